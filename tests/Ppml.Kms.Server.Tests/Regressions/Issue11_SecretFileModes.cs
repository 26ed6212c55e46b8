using Ppml.Attestation.Simulation;
using Ppml.Core.IO;
using Ppml.Kms.Server.Attestation;
using Ppml.Kms.Server.Storage;
using Ppml.Testing;

namespace Ppml.Kms.Server.Tests.Regressions;

/// <summary>
/// Issue 11, item 17: a world-writable simulated root CA key and a 0644 operator secret were accepted. Both are refused
/// now, with one line naming the file and the fix.
/// </summary>
public sealed class Issue11_SecretFileModes
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadSecret_OperatorSecret0644_IsRefusedWithTheFix()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("operator.secret");
        await System.IO.File.WriteAllTextAsync(path, "0123456789abcdef0123456789abcdef\n", Token);
        System.IO.File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);

        InsecureFileException exception = await Assert.ThrowsAsync<InsecureFileException>(() => KmsStore.ReadSecretAsync(path, Token));

        Assert.Contains($"chmod 600 {path}", exception.Message, StringComparison.Ordinal);
        System.IO.File.SetUnixFileMode(path, SecretFiles.FileMode);
        Assert.Equal("0123456789abcdef0123456789abcdef", await KmsStore.ReadSecretAsync(path, Token));
    }

    [Fact]
    public async Task LoadSimulatedPlatform_WorldWritableRootKey_IsRefused()
    {
        using var temp = new TempDirectory();
        string directory = temp.Combine("platform");
        using (SimulatedPlatform platform = await SimulatedPlatform.CreateAsync(cancellationToken: Token))
        {
            await platform.SaveAsync(directory, Token);
        }

        string rootKey = Path.Combine(directory, SimulatedPlatformFiles.RootKey);
        Assert.Equal(SecretFiles.FileMode, System.IO.File.GetUnixFileMode(rootKey));
        System.IO.File.SetUnixFileMode(rootKey, (UnixFileMode)0b110_110_110);

        InsecureFileException exception = await Assert.ThrowsAsync<InsecureFileException>(() => SimulatedPlatform.LoadAsync(directory, Token));

        Assert.Equal(rootKey, exception.FilePath);
        Assert.Contains($"chmod 600 {rootKey}", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SimulatedVerifier_WorldWritableRootCertificate_IsRefused()
    {
        using var temp = new TempDirectory();
        string directory = temp.Combine("platform");
        using (SimulatedPlatform platform = await SimulatedPlatform.CreateAsync(cancellationToken: Token))
        {
            await platform.SaveAsync(directory, Token);
        }

        string rootCertificate = Path.Combine(directory, SimulatedPlatformFiles.RootCertificate);
        System.IO.File.SetUnixFileMode(rootCertificate, (UnixFileMode)0b110_100_110); // 0646

        InsecureFileException exception = await Assert.ThrowsAsync<InsecureFileException>(
            () => DcapEvidenceVerifier.ForSimulatedPlatformAsync(directory, cancellationToken: Token));

        Assert.Equal(SecretFileKind.TrustAnchor, exception.Kind);
    }
}
