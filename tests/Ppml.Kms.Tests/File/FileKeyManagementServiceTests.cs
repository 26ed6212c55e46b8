using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Ppml.Kms.File;
using Ppml.Testing;

namespace Ppml.Kms.Tests.File;

public class FileKeyManagementServiceTests
{
    // Low iteration count keeps unit tests fast; the public CreateAsync always uses MinimumIterations (tested below).
    private const int TestIterations = 1_000;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task<FileKeyManagementService> CreateAsync(string directory, string password = "pw", TimeProvider? time = null) =>
        FileKeyManagementService.CreateAsync(directory, password, TestIterations, time, Token);

    [Fact]
    public async Task GenerateThenUnwrap_ReturnsSameKey()
    {
        using var temp = new TempDirectory();
        using FileKeyManagementService kms = await CreateAsync(temp.Path);
        await kms.CreateKeyAsync("primary", Token);

        using DataKey dataKey = await kms.GenerateDataKeyAsync("primary", Token);
        byte[] unwrapped = await kms.UnwrapDataKeyAsync("primary", dataKey.KeyVersion, dataKey.WrappedKey, Token);

        Assert.Equal(32, dataKey.Plaintext.Length);
        Assert.Equal(dataKey.Plaintext.ToArray(), unwrapped);
        Assert.Equal(1, dataKey.KeyVersion);
    }

    [Fact]
    public async Task Rotate_OldVersionsStillUnwrap_NewKeysUseNewVersion()
    {
        using var temp = new TempDirectory();
        using FileKeyManagementService kms = await CreateAsync(temp.Path);
        await kms.CreateKeyAsync("k", Token);
        using DataKey before = await kms.GenerateDataKeyAsync("k", Token);

        PrimaryKeyInfo rotated = await kms.RotateKeyAsync("k", Token);
        using DataKey after = await kms.GenerateDataKeyAsync("k", Token);

        Assert.Equal(2, rotated.CurrentVersion);
        Assert.Equal(2, after.KeyVersion);
        Assert.Equal(before.Plaintext.ToArray(), await kms.UnwrapDataKeyAsync("k", 1, before.WrappedKey, Token));
        Assert.Equal(after.Plaintext.ToArray(), await kms.UnwrapDataKeyAsync("k", 2, after.WrappedKey, Token));
        KmsException wrongVersion = await Assert.ThrowsAsync<KmsException>(() => kms.UnwrapDataKeyAsync("k", 2, before.WrappedKey, Token));
        Assert.Equal(KmsErrorCode.UnwrapFailed, wrongVersion.Code);
    }

    [Fact]
    public async Task ListKeys_ReturnsSortedInfoWithTimes()
    {
        using var temp = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        using FileKeyManagementService kms = await CreateAsync(temp.Path, time: time);
        await kms.CreateKeyAsync("zeta", Token);
        await kms.CreateKeyAsync("alpha", Token);
        time.Advance(TimeSpan.FromDays(1));
        await kms.RotateKeyAsync("alpha", Token);

        IReadOnlyList<PrimaryKeyInfo> keys = await kms.ListKeysAsync(Token);

        Assert.Equal(["alpha", "zeta"], keys.Select(k => k.Name));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), keys[0].CreatedAt);
        Assert.Equal(new DateTimeOffset(2026, 1, 3, 3, 4, 5, TimeSpan.Zero), keys[0].RotatedAt);
    }

    [Fact]
    public async Task Open_WrongPassword_ThrowsWrongPasswordNamingStore()
    {
        using var temp = new TempDirectory();
        (await CreateAsync(temp.Path, "right")).Dispose();

        KmsException error = await Assert.ThrowsAsync<KmsException>(() => FileKeyManagementService.OpenAsync(temp.Path, "wrong", null, Token));

        Assert.Equal(KmsErrorCode.WrongPassword, error.Code);
        Assert.Contains("kms.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_MissingStore_ThrowsStoreUnavailable()
    {
        using var temp = new TempDirectory();
        KmsException error = await Assert.ThrowsAsync<KmsException>(() => FileKeyManagementService.OpenAsync(temp.Combine("none"), "pw", null, Token));
        Assert.Equal(KmsErrorCode.StoreUnavailable, error.Code);
        Assert.Contains("ppml init", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unwrap_CorruptedWrappedKey_ThrowsUnwrapFailed()
    {
        using var temp = new TempDirectory();
        using FileKeyManagementService kms = await CreateAsync(temp.Path);
        await kms.CreateKeyAsync("k", Token);
        using DataKey dataKey = await kms.GenerateDataKeyAsync("k", Token);

        for (int i = 0; i < dataKey.WrappedKey.Length; i++)
        {
            byte[] corrupted = dataKey.WrappedKey.ToArray();
            corrupted[i] ^= 0x40;
            KmsException error = await Assert.ThrowsAsync<KmsException>(() => kms.UnwrapDataKeyAsync("k", 1, corrupted, Token));
            Assert.Equal(KmsErrorCode.UnwrapFailed, error.Code);
        }

        KmsException truncated = await Assert.ThrowsAsync<KmsException>(() => kms.UnwrapDataKeyAsync("k", 1, dataKey.WrappedKey[..10], Token));
        Assert.Equal(KmsErrorCode.UnwrapFailed, truncated.Code);
    }

    [Fact]
    public async Task Unwrap_UnderAnotherKeyName_Fails()
    {
        using var temp = new TempDirectory();
        using FileKeyManagementService kms = await CreateAsync(temp.Path);
        await kms.CreateKeyAsync("a", Token);
        await kms.CreateKeyAsync("b", Token);
        using DataKey dataKey = await kms.GenerateDataKeyAsync("a", Token);

        KmsException error = await Assert.ThrowsAsync<KmsException>(() => kms.UnwrapDataKeyAsync("b", 1, dataKey.WrappedKey, Token));
        Assert.Equal(KmsErrorCode.UnwrapFailed, error.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-leading-dash")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    public async Task CreateKey_InvalidName_Throws(string name)
    {
        using var temp = new TempDirectory();
        using FileKeyManagementService kms = await CreateAsync(temp.Path);
        KmsException error = await Assert.ThrowsAsync<KmsException>(() => kms.CreateKeyAsync(name, Token));
        Assert.Equal(KmsErrorCode.InvalidKeyName, error.Code);
    }

    [Fact]
    public async Task CreateKey_Duplicate_ThrowsKeyExists_AndUnknownKeyIsNotFound()
    {
        using var temp = new TempDirectory();
        using FileKeyManagementService kms = await CreateAsync(temp.Path);
        await kms.CreateKeyAsync("k", Token);

        Assert.Equal(KmsErrorCode.KeyExists, (await Assert.ThrowsAsync<KmsException>(() => kms.CreateKeyAsync("k", Token))).Code);
        Assert.Equal(KmsErrorCode.KeyNotFound, (await Assert.ThrowsAsync<KmsException>(() => kms.GenerateDataKeyAsync("nope", Token))).Code);
        Assert.Equal(KmsErrorCode.KeyNotFound, (await Assert.ThrowsAsync<KmsException>(() => kms.RotateKeyAsync("nope", Token))).Code);
    }

    [Fact]
    public async Task Store_NeverHoldsKeyMaterialInPlaintext()
    {
        using var temp = new TempDirectory();
        using FileKeyManagementService kms = await CreateAsync(temp.Path);
        await kms.CreateKeyAsync("k", Token);
        using DataKey dataKey = await kms.GenerateDataKeyAsync("k", Token);

        string json = await System.IO.File.ReadAllTextAsync(Path.Combine(temp.Path, "kms.json"), Token);
        byte[] primaryMaterial = ReadPrimaryForTest(temp.Path, "k");

        Assert.DoesNotContain(Convert.ToBase64String(primaryMaterial), json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(primaryMaterial), json, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(AtomicModeOwnerOnly, System.IO.File.GetUnixFileMode(Path.Combine(temp.Path, "kms.json")));
    }

    [Fact]
    public async Task Create_PublicApi_UsesAtLeast600kIterations()
    {
        using var temp = new TempDirectory();
        using FileKeyManagementService kms = await FileKeyManagementService.CreateAsync(temp.Path, "pw", null, Token);

        using JsonDocument document = JsonDocument.Parse(await System.IO.File.ReadAllTextAsync(Path.Combine(temp.Path, "kms.json"), Token));
        JsonElement kdf = document.RootElement.GetProperty("kdf");
        Assert.Equal("PBKDF2-SHA256", kdf.GetProperty("algorithm").GetString());
        Assert.True(kdf.GetProperty("iterations").GetInt32() >= 600_000);
    }

    [Fact]
    public async Task ConcurrentUpdates_FromSeparateInstances_LoseNothing()
    {
        using var temp = new TempDirectory();
        (await CreateAsync(temp.Path)).Dispose();
        FileKeyManagementService[] instances = await Task.WhenAll(
            Enumerable.Range(0, 4).Select(_ => FileKeyManagementService.OpenAsync(temp.Path, "pw", null, Token)));

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => instances[i % 4].CreateKeyAsync($"key-{i}", Token), Token)));

        IReadOnlyList<PrimaryKeyInfo> keys = await instances[0].ListKeysAsync(Token);
        Assert.Equal(40, keys.Count);
        foreach (FileKeyManagementService instance in instances)
        {
            instance.Dispose();
        }
    }

    [Fact]
    public async Task TamperedVersionMaterial_IsDetected()
    {
        using var temp = new TempDirectory();
        using (FileKeyManagementService kms = await CreateAsync(temp.Path))
        {
            await kms.CreateKeyAsync("k", Token);
        }

        string path = Path.Combine(temp.Path, "kms.json");
        var root = System.Text.Json.Nodes.JsonNode.Parse(await System.IO.File.ReadAllTextAsync(path, Token))!;
        System.Text.Json.Nodes.JsonNode version = root["keys"]![0]!["versions"]![0]!;
        byte[] bytes = Convert.FromBase64String(version["material"]!.GetValue<string>());
        bytes[20] ^= 1;
        version["material"] = Convert.ToBase64String(bytes);
        await System.IO.File.WriteAllTextAsync(path, root.ToJsonString(), Token);

        using FileKeyManagementService reopened = await FileKeyManagementService.OpenAsync(temp.Path, "pw", null, Token);
        KmsException error = await Assert.ThrowsAsync<KmsException>(() => reopened.GenerateDataKeyAsync("k", Token));
        Assert.Contains("tampered", error.Message, StringComparison.Ordinal);
    }

    private const UnixFileMode AtomicModeOwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // Opens the sealed material with the store key, to prove the file does not contain it in the clear. Written from
    // docs/formats/kms-file-store-v2.md with the BCL primitives, independently of the code under test:
    // 3 || salt(32) || AES-256-GCM(HKDF-SHA256(storeKey, salt, "ppml/kms-file/seal/v3"), nonce 0, material) || tag(16).
    private static byte[] ReadPrimaryForTest(string directory, string name)
    {
        string json = System.IO.File.ReadAllText(Path.Combine(directory, "kms.json"));
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement kdf = document.RootElement.GetProperty("kdf");
        byte[] storeKey = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(
            "pw", Convert.FromBase64String(kdf.GetProperty("salt").GetString()!), kdf.GetProperty("iterations").GetInt32(),
            System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        byte[] sealedBytes = Convert.FromBase64String(document.RootElement.GetProperty("keys")[0].GetProperty("versions")[0].GetProperty("material").GetString()!);
        Assert.Equal(3, sealedBytes[0]);
        byte[] oneTimeKey = System.Security.Cryptography.HKDF.DeriveKey(
            System.Security.Cryptography.HashAlgorithmName.SHA256, storeKey, 32, sealedBytes.AsSpan(1, 32).ToArray(), "ppml/kms-file/seal/v3"u8.ToArray());
        byte[] plaintext = new byte[sealedBytes.Length - 49];
        using var aes = new System.Security.Cryptography.AesGcm(oneTimeKey, 16);
        aes.Decrypt(new byte[12], sealedBytes.AsSpan(33, plaintext.Length), sealedBytes.AsSpan(33 + plaintext.Length), plaintext,
            Encoding.UTF8.GetBytes($"ppml-kms-key\0{name}\01"));
        return plaintext;
    }
}
