using System.Text.Json;
using Ppml.Kms.File;
using Ppml.Testing;

namespace Ppml.Kms.Tests.File;

/// <summary>
/// The file KMS keeps opening stores and unwrapping data keys written before data-key wrap format 3
/// (TestData/file-store-v1, written by the shipped code; see TestData/README.md), and writes the new formats.
/// </summary>
public sealed class FileKeyStoreCompatibilityTests
{
    private static readonly string s_goldenDirectory = Path.Combine(AppContext.BaseDirectory, "TestData", "file-store-v1");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<int> GoldenDataKeys() => [.. Enumerable.Range(0, Golden().RootElement.GetProperty("dataKeys").GetArrayLength())];

    [Theory]
    [MemberData(nameof(GoldenDataKeys))]
    public async Task UnwrapDataKeyAsync_KeyWrappedByShippedStore_ReturnsDataKey(int index)
    {
        using var temp = new TempDirectory();
        using JsonDocument golden = Golden();
        JsonElement entry = golden.RootElement.GetProperty("dataKeys")[index];
        byte[] wrapped = Convert.FromHexString(entry.GetProperty("wrappedKey").GetString()!);
        using FileKeyManagementService kms = await OpenCopyAsync(temp.Path, golden);

        byte[] dataKey = await kms.UnwrapDataKeyAsync(entry.GetProperty("keyName").GetString()!, entry.GetProperty("keyVersion").GetInt32(), wrapped, Token);

        Assert.Equal(1, wrapped[0]);
        Assert.Equal(Convert.FromHexString(entry.GetProperty("dataKey").GetString()!), dataKey);
    }

    [Fact]
    public async Task OpenAsync_ShippedStore_ReadsWithoutRewriting_ThenFirstUpdateWritesV2()
    {
        using var temp = new TempDirectory();
        using JsonDocument golden = Golden();
        using FileKeyManagementService kms = await OpenCopyAsync(temp.Path, golden);
        string storePath = Path.Combine(temp.Path, FileKeyManagementService.StoreFileName);

        using (DataKey fresh = await kms.GenerateDataKeyAsync("primary", Token))
        {
            Assert.Equal(3, fresh.WrappedKey.Span[0]);
            Assert.Equal(81, fresh.WrappedKey.Length);
            Assert.Equal(fresh.Plaintext.ToArray(), await kms.UnwrapDataKeyAsync("primary", 2, fresh.WrappedKey, Token));
        }

        Assert.Equal(await System.IO.File.ReadAllTextAsync(Path.Combine(s_goldenDirectory, "kms.json"), Token), await System.IO.File.ReadAllTextAsync(storePath, Token));

        PrimaryKeyInfo rotated = await kms.RotateKeyAsync("primary", Token);

        using JsonDocument store = JsonDocument.Parse(await System.IO.File.ReadAllTextAsync(storePath, Token));
        Assert.Equal(3, rotated.CurrentVersion);
        Assert.Equal("ppml-kms-file/2", store.RootElement.GetProperty("format").GetString());
        JsonElement versions = store.RootElement.GetProperty("keys")[0].GetProperty("versions");
        Assert.Equal(60, Convert.FromBase64String(versions[0].GetProperty("material").GetString()!).Length);
        Assert.Equal(81, Convert.FromBase64String(versions[2].GetProperty("material").GetString()!).Length);
        JsonElement oldest = golden.RootElement.GetProperty("dataKeys")[0];
        Assert.Equal(
            Convert.FromHexString(oldest.GetProperty("dataKey").GetString()!),
            await kms.UnwrapDataKeyAsync("primary", 1, Convert.FromHexString(oldest.GetProperty("wrappedKey").GetString()!), Token));
        using DataKey third = await kms.GenerateDataKeyAsync("primary", Token);
        Assert.Equal(3, third.KeyVersion);

        // A mixed store (old check and versions, new versions) reopens: the password check is still the v1 layout.
        using FileKeyManagementService reopened = await FileKeyManagementService.OpenAsync(temp.Path, Password(golden), null, Token);
        Assert.Equal(third.Plaintext.ToArray(), await reopened.UnwrapDataKeyAsync("primary", 3, third.WrappedKey, Token));
    }

    [Fact]
    public async Task OpenAsync_ShippedStoreWrongPassword_ThrowsWrongPassword()
    {
        using var temp = new TempDirectory();
        using JsonDocument golden = Golden();
        CopyGolden(temp.Path);

        KmsException error = await Assert.ThrowsAsync<KmsException>(() => FileKeyManagementService.OpenAsync(temp.Path, "not the password", null, Token));

        Assert.Equal(KmsErrorCode.WrongPassword, error.Code);
    }

    [Fact]
    public async Task UnwrapDataKeyAsync_ShippedWrappedKeyUnderOtherVersion_ThrowsUnwrapFailed()
    {
        using var temp = new TempDirectory();
        using JsonDocument golden = Golden();
        JsonElement entry = golden.RootElement.GetProperty("dataKeys")[0];
        using FileKeyManagementService kms = await OpenCopyAsync(temp.Path, golden);

        KmsException error = await Assert.ThrowsAsync<KmsException>(
            () => kms.UnwrapDataKeyAsync("primary", 2, Convert.FromHexString(entry.GetProperty("wrappedKey").GetString()!), Token));

        Assert.Equal(KmsErrorCode.UnwrapFailed, error.Code);
        Assert.Contains("'primary' version 2", error.Message, StringComparison.Ordinal);
    }

    private static JsonDocument Golden() => JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(s_goldenDirectory, "golden.json")));

    private static string Password(JsonDocument golden) => golden.RootElement.GetProperty("password").GetString()!;

    private static void CopyGolden(string directory)
    {
        string store = Path.Combine(directory, FileKeyManagementService.StoreFileName);
        System.IO.File.Copy(Path.Combine(s_goldenDirectory, FileKeyManagementService.StoreFileName), store);

        // A checkout gives the golden file 0644; a store is a secret and must be owner-only (issue 11, item 17).
        System.IO.File.SetUnixFileMode(store, Ppml.Core.IO.SecretFiles.FileMode);
    }

    private static Task<FileKeyManagementService> OpenCopyAsync(string directory, JsonDocument golden)
    {
        CopyGolden(directory);
        return FileKeyManagementService.OpenAsync(directory, Password(golden), null, Token);
    }
}
