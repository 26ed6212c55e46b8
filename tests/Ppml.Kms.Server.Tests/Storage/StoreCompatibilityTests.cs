using System.Text.Json;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Tests.Fakes;

namespace Ppml.Kms.Server.Tests.Storage;

/// <summary>
/// The server keeps opening a store written before data-key wrap format 3 (TestData/store-v1, written by the shipped
/// server: root key and key versions sealed with random GCM nonces, data keys wrapped in format 2; see
/// TestData/README.md), unwraps its data keys, and writes the new formats from then on.
/// </summary>
public sealed class StoreCompatibilityTests
{
    private static readonly string s_goldenDirectory = Path.Combine(AppContext.BaseDirectory, "TestData", "store-v1");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_ShippedStore_UnwrapsOldKeysAndWrapsNewOnesInFormat3()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync(configure: options => CopyGolden(options.StoreDirectory));
        using JsonDocument golden = JsonDocument.Parse(await System.IO.File.ReadAllTextAsync(Path.Combine(s_goldenDirectory, "golden.json"), Token));
        using (KmsClient client = harness.Client())
        {
            await AssertGoldenKeysUnwrapAsync(client, golden);
            await client.RotateKeyAsync("primary", Token);
        }

        await harness.RestartAsync();

        using KmsClient again = harness.Client();
        await AssertGoldenKeysUnwrapAsync(again, golden);
        using DataKey fresh = await again.GenerateDataKeyAsync("primary", Token);
        Assert.Equal(3, fresh.KeyVersion);
        Assert.Equal(3, fresh.WrappedKey.Span[0]);
        Assert.Equal(81, fresh.WrappedKey.Length);
        Assert.Equal(fresh.Plaintext.ToArray(), await again.UnwrapDataKeyAsync("primary", 3, fresh.WrappedKey, Token));
    }

    private static async Task AssertGoldenKeysUnwrapAsync(KmsClient client, JsonDocument golden)
    {
        foreach (JsonElement entry in golden.RootElement.GetProperty("dataKeys").EnumerateArray())
        {
            byte[] wrapped = Convert.FromHexString(entry.GetProperty("wrappedKey").GetString()!);
            Assert.Equal(2, wrapped[0]);
            byte[] dataKey = await client.UnwrapDataKeyAsync(entry.GetProperty("keyName").GetString()!, entry.GetProperty("keyVersion").GetInt32(), wrapped, Token);
            Assert.Equal(Convert.FromHexString(entry.GetProperty("dataKey").GetString()!), dataKey);
        }
    }

    private static void CopyGolden(string storeDirectory)
    {
        Directory.CreateDirectory(storeDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (string file in new[] { "kms.db", "operator.secret", "admin.apikey" })
        {
            string target = Path.Combine(storeDirectory, file);
            System.IO.File.Copy(Path.Combine(s_goldenDirectory, file), target);

            // Git does not keep file modes beyond the executable bit; the server refuses a secret others can read.
            System.IO.File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
