using Ppml.Kms.Remote;
using Ppml.Kms.Server.Recovery;
using Ppml.Kms.Server.Tests.Fakes;

namespace Ppml.Kms.Server.Tests.Recovery;

/// <summary>k-of-n recovery of a real server's root key: split, lose the operator secret, recover, serve the same keys.</summary>
public sealed class RootKeyRecoveryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Split3Of5_SecretLost_AnyThreeSharesRecover_AndTheServerUnwrapsOldDataKeys()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        (byte[] plaintext, int version, byte[] wrapped) = await NewDataKeyAsync(harness);
        await harness.StopAsync();
        string store = harness.Options.StoreDirectory;

        IReadOnlyList<string> shares = await RootKeyRecovery.SplitAsync(store, secretFile: null, threshold: 3, shares: 5, Token);
        System.IO.File.Delete(Path.Combine(store, "operator.secret"));
        string firstSecret = harness.Temp.Combine("recovered-1.secret");
        string secondSecret = harness.Temp.Combine("recovered-2.secret");
        bool generated = await RootKeyRecovery.RecoverAsync(store, [shares[0], shares[2], shares[4]], firstSecret, Token);
        bool generatedAgain = await RootKeyRecovery.RecoverAsync(store, [shares[3], shares[1], shares[2]], secondSecret, Token);
        harness.Options.SecretFile = secondSecret;
        await harness.StartAgainAsync();
        using KmsClient client = harness.Client();
        byte[] unwrapped = await client.UnwrapDataKeyAsync("recoverable", version, wrapped, Token);

        Assert.Equal(5, shares.Count);
        Assert.All(shares, share => Assert.StartsWith("ppml-kms-share/1:3:", share, StringComparison.Ordinal));
        Assert.Equal(5, shares.Distinct(StringComparer.Ordinal).Count());
        Assert.True(generated);
        Assert.True(generatedAgain);
        Assert.True(System.IO.File.Exists(firstSecret));
        Assert.Equal(plaintext, unwrapped);
    }

    [Fact]
    public async Task SplitToFiles_WritesOwnerOnlyShareFiles_NeverOverwrites_AndRecoverFromFilesReadsThem()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        await harness.StopAsync();
        string store = harness.Options.StoreDirectory;
        string shares = harness.Temp.Combine("shares");

        IReadOnlyList<string> files = await RootKeyRecovery.SplitToFilesAsync(store, null, threshold: 2, shares: 3, shares, Token);
        await Assert.ThrowsAnyAsync<IOException>(() => RootKeyRecovery.SplitToFilesAsync(store, null, 2, 3, shares, Token));
        bool generated = await RootKeyRecovery.RecoverFromFilesAsync(store, [files[2], files[0]], harness.Temp.Combine("new.secret"), Token);
        KmsException tooFew = await Assert.ThrowsAsync<KmsException>(() => RootKeyRecovery.RecoverFromFilesAsync(store, [files[1]], harness.Temp.Combine("other.secret"), Token));

        Assert.Equal([Path.Combine(shares, "share-1.txt"), Path.Combine(shares, "share-2.txt"), Path.Combine(shares, "share-3.txt")], files);
        Assert.All(files, file => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(file)));
        Assert.All(files, file => Assert.StartsWith("ppml-kms-share/1:2:", System.IO.File.ReadAllText(file), StringComparison.Ordinal));
        Assert.True(generated);
        Assert.Contains("1 share(s) given; this split needs 2", tooFew.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recover_TooFewOrMixedOrForeignShares_RefusedAndStoreUnchanged()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        await using ServerHarness other = await ServerHarness.StartAsync();
        (byte[] plaintext, int version, byte[] wrapped) = await NewDataKeyAsync(harness);
        await harness.StopAsync();
        await other.StopAsync();
        string store = harness.Options.StoreDirectory;
        IReadOnlyList<string> shares = await RootKeyRecovery.SplitAsync(store, null, 3, 5, Token);
        IReadOnlyList<string> otherShares = await RootKeyRecovery.SplitAsync(other.Options.StoreDirectory, null, 3, 5, Token);
        IReadOnlyList<string> twoOfTwo = await RootKeyRecovery.SplitAsync(store, null, 2, 2, Token);
        string secret = harness.Temp.Combine("new.secret");
        string altered = shares[2][..^20] + (shares[2][^20] == '0' ? '1' : '0') + shares[2][^19..];

        KmsException tooFew = await Assert.ThrowsAsync<KmsException>(() => RootKeyRecovery.RecoverAsync(store, [shares[0], shares[1]], secret, Token));
        KmsException foreign = await Assert.ThrowsAsync<KmsException>(() => RootKeyRecovery.RecoverAsync(store, [.. otherShares.Take(3)], secret, Token));
        KmsException mixed = await Assert.ThrowsAsync<KmsException>(() => RootKeyRecovery.RecoverAsync(store, [shares[0], twoOfTwo[1], shares[2]], secret, Token));
        KmsException repeated = await Assert.ThrowsAsync<KmsException>(() => RootKeyRecovery.RecoverAsync(store, [shares[0], shares[0], shares[1]], secret, Token));
        KmsException malformed = await Assert.ThrowsAsync<KmsException>(() => RootKeyRecovery.RecoverAsync(store, [shares[0], "not a share", shares[1]], secret, Token));
        KmsException tampered = await Assert.ThrowsAsync<KmsException>(() => RootKeyRecovery.RecoverAsync(store, [shares[0], shares[1], altered], secret, Token));

        Assert.Equal("2 share(s) given; this split needs 3.", tooFew.Message);
        Assert.Contains("do not recover this store's root key", foreign.Message, StringComparison.Ordinal);
        Assert.Equal("Share 2 belongs to a different split than share 1.", mixed.Message);
        Assert.Equal("Share 2 repeats share index 1.", repeated.Message);
        Assert.StartsWith("Share 2 is not a 'ppml-kms-share/1' share", malformed.Message, StringComparison.Ordinal);
        Assert.Contains("do not recover this store's root key", tampered.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(secret));

        // Nothing was resealed: the original secret still opens the store.
        await harness.StartAgainAsync();
        using KmsClient client = harness.Client();
        Assert.Equal(plaintext, await client.UnwrapDataKeyAsync("recoverable", version, wrapped, Token));
    }

    [Fact]
    public async Task Split_ServerRunningWrongSecretOrImpossibleThreshold_Refused()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        string store = harness.Options.StoreDirectory;
        string wrongSecret = harness.Temp.Combine("wrong.secret");
        await Ppml.Core.IO.SecretFiles.WriteAllTextAsync(wrongSecret, "not-the-operator-secret\n", overwrite: true, Token);

        await Assert.ThrowsAsync<KmsException>(() => RootKeyRecovery.SplitAsync(store, null, 2, 3, Token));
        await harness.StopAsync();
        await Assert.ThrowsAsync<KmsException>(() => RootKeyRecovery.SplitAsync(store, wrongSecret, 2, 3, Token));
        KmsException one = await Assert.ThrowsAsync<KmsException>(() => RootKeyRecovery.SplitAsync(store, null, 1, 3, Token));
        KmsException more = await Assert.ThrowsAsync<KmsException>(() => RootKeyRecovery.SplitAsync(store, null, 4, 3, Token));
        KmsException missing = await Assert.ThrowsAsync<KmsException>(() => RootKeyRecovery.SplitAsync(harness.Temp.Combine("nowhere"), null, 2, 3, Token));

        Assert.Contains("1-of-3 split is not possible", one.Message, StringComparison.Ordinal);
        Assert.Contains("4-of-3 split is not possible", more.Message, StringComparison.Ordinal);
        Assert.StartsWith("No KMS server store at ", missing.Message, StringComparison.Ordinal);
    }

    private static async Task<(byte[] Plaintext, int Version, byte[] Wrapped)> NewDataKeyAsync(ServerHarness harness)
    {
        using KmsClient client = harness.Client();
        await client.CreateKeyAsync("recoverable", Token);
        using DataKey key = await client.GenerateDataKeyAsync("recoverable", Token);
        return (key.Plaintext.ToArray(), key.KeyVersion, key.WrappedKey.ToArray());
    }
}
