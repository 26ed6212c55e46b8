using System.Security.Cryptography;
using Ppml.Tee.Measurement;
using Ppml.Tee.Sealing;
using Ppml.Tee.Tests.Fakes;

namespace Ppml.Tee.Tests.Sealing;

public class SealerTests
{
    private static readonly byte[] s_platform = RandomNumberGenerator.GetBytes(32);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static EnclaveIdentity Identity(byte enclave, byte signer) =>
        new(Enumerable.Repeat(enclave, 32).ToArray(), Enumerable.Repeat(signer, 32).ToArray(), 1, 1, false);

    [Fact]
    public async Task SealUnseal_SameEnclave_RoundTrips()
    {
        using var keys = new DerivedSealingKeySource(s_platform, Identity(1, 9));
        byte[] blob = await Sealer.SealAsync(keys, SealingPolicy.MrEnclave, "secret"u8.ToArray(), Token);

        Assert.Equal("secret"u8.ToArray(), await Sealer.UnsealAsync(keys, blob, Token));
    }

    [Fact]
    public async Task Unseal_OtherEnclave_FailsForMrEnclave_ButWorksForMrSignerPolicy()
    {
        using var v1 = new DerivedSealingKeySource(s_platform, Identity(1, 9));
        using var v2 = new DerivedSealingKeySource(s_platform, Identity(2, 9));
        byte[] enclaveBound = await Sealer.SealAsync(v1, SealingPolicy.MrEnclave, "a"u8.ToArray(), Token);
        byte[] signerBound = await Sealer.SealAsync(v1, SealingPolicy.MrSigner, "b"u8.ToArray(), Token);

        await Assert.ThrowsAsync<TeeException>(() => Sealer.UnsealAsync(v2, enclaveBound, Token));
        Assert.Equal("b"u8.ToArray(), await Sealer.UnsealAsync(v2, signerBound, Token));
    }

    [Fact]
    public async Task Unseal_OtherPlatformOrTampered_Fails()
    {
        using var here = new DerivedSealingKeySource(s_platform, Identity(1, 9));
        using var elsewhere = new DerivedSealingKeySource(RandomNumberGenerator.GetBytes(32), Identity(1, 9));
        byte[] blob = await Sealer.SealAsync(here, SealingPolicy.MrEnclave, "secret"u8.ToArray(), Token);
        byte[] flippedPolicy = blob.ToArray();
        flippedPolicy[6] = (byte)SealingPolicy.MrSigner;

        await Assert.ThrowsAsync<TeeException>(() => Sealer.UnsealAsync(elsewhere, blob, Token));
        await Assert.ThrowsAsync<TeeException>(() => Sealer.UnsealAsync(here, flippedPolicy, Token));
        await Assert.ThrowsAsync<TeeException>(() => Sealer.UnsealAsync(here, blob.AsMemory(0, 10), Token));
        for (int i = 0; i < blob.Length; i += 7)
        {
            byte[] tampered = blob.ToArray();
            tampered[i] ^= 0x20;
            await Assert.ThrowsAsync<TeeException>(() => Sealer.UnsealAsync(here, tampered, Token));
        }
    }

    [Fact]
    public async Task SealAsync_AnyPlaintext_WritesPseal2WithDerivedKeyAead()
    {
        using var keys = new DerivedSealingKeySource(s_platform, Identity(1, 9));

        byte[] blob = await Sealer.SealAsync(keys, SealingPolicy.MrSigner, "secret"u8.ToArray(), Token);
        byte[] again = await Sealer.SealAsync(keys, SealingPolicy.MrSigner, "secret"u8.ToArray(), Token);

        Assert.Equal("PSEAL2"u8.ToArray(), blob[..6]);
        Assert.Equal((byte)SealingPolicy.MrSigner, blob[6]);
        Assert.Equal(3, blob[7]);
        Assert.Equal(7 + 1 + 32 + 6 + 16, blob.Length);
        Assert.NotEqual(blob, again);
    }

    [Theory]
    [InlineData(SealingPolicy.MrEnclave, "fd98b98515b7785fe1161d08297c327077dc7e1a6499eac300ad21d768c1402d", "505345414c310019d093276fce55fc24a1d4a5c09737cdfbb3e3a1778588c0542be0fd012c1eb858999141ceedc30b3f49c21cb9", "6d6f64656c2077656967687473206b6579")]
    [InlineData(SealingPolicy.MrSigner, "47e78405cf1a69e8c6edad8e61c1e4ddfd64ed52248f84c1ebd728caa630db1b", "505345414c3101debf145c3f9a3bca9560ec517d879be176d21e53dc61c79dc41ec308", "")]
    public async Task UnsealAsync_Pseal1BlobSealedByShippedCode_ReturnsSecretAndRefusesTampering(SealingPolicy policy, string keyHex, string blobHex, string plaintextHex)
    {
        // tests/Ppml.Crypto.Tests/TestData/aead/legacy-vectors.json "pseal1" 0 and 1, written by a copy of the shipped
        // Sealer.SealAsync (TestData/aead/generate-legacy.cs) under a known test key.
        var keys = new FixedSealingKeySource(policy, Convert.FromHexString(keyHex));
        byte[] blob = Convert.FromHexString(blobHex);

        Assert.Equal(Convert.FromHexString(plaintextHex), await Sealer.UnsealAsync(keys, blob, Token));
        for (int i = 0; i < blob.Length; i++)
        {
            byte[] tampered = blob.ToArray();
            tampered[i] ^= 0x04;
            await Assert.ThrowsAsync<TeeException>(() => Sealer.UnsealAsync(keys, tampered, Token));
        }
    }

    [Fact]
    public async Task UnsealAsync_TruncatedAtEveryLength_ThrowsTeeExceptionOnly()
    {
        using var keys = new DerivedSealingKeySource(s_platform, Identity(1, 9));
        byte[] blob = await Sealer.SealAsync(keys, SealingPolicy.MrEnclave, "secret"u8.ToArray(), Token);

        for (int length = 0; length < blob.Length; length++)
        {
            await Assert.ThrowsAsync<TeeException>(() => Sealer.UnsealAsync(keys, blob.AsMemory(0, length), Token));
        }
    }

    [Fact]
    public async Task Gramine_KeysComeFromPseudoFiles_AndDifferByPolicy()
    {
        var keys = new GramineSealingKeySource(EmulatedTeeFileSystem.WithGramine());

        byte[] enclave = await keys.GetKeyAsync(SealingPolicy.MrEnclave, Token);
        byte[] signer = await keys.GetKeyAsync(SealingPolicy.MrSigner, Token);

        Assert.Equal(32, enclave.Length);
        Assert.NotEqual(enclave, signer);
        await Assert.ThrowsAsync<TeeException>(() => new GramineSealingKeySource(new EmulatedTeeFileSystem()).GetKeyAsync(SealingPolicy.MrEnclave, Token));
    }
}
