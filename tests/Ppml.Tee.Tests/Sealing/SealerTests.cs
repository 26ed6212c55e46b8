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
