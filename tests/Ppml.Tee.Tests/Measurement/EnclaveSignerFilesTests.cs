using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ppml.Crypto.Keys;
using Ppml.Tee.Measurement;
using Ppml.Testing;

namespace Ppml.Tee.Tests.Measurement;

/// <summary><see cref="EnclaveSigner.SignToFileAsync"/> and <see cref="EnclaveSigner.VerifyFileAsync"/>: the file-level entry points of <c>ppml enclave</c>.</summary>
public sealed class EnclaveSignerFilesTests : IDisposable
{
    private static readonly Lazy<string> s_keyPem = new(() =>
    {
        using RSA key = RsaKeyGenerator.Generate(3072, 3);
        return key.ExportRSAPrivateKeyPem();
    });

    private static readonly Uri s_kmsUrl = new("https://127.0.0.1:9876");

    private readonly TempDirectory _temp = new();

    public EnclaveSignerFilesTests()
    {
        Directory.CreateDirectory(App);
        File.WriteAllText(Path.Combine(App, "work.dll"), "the workload");
        File.WriteAllText(Path.Combine(App, "work.pdb"), "its symbols");
        File.WriteAllText(KeyPath, s_keyPem.Value);
        File.SetUnixFileMode(KeyPath, Ppml.Core.IO.SecretFiles.FileMode); // a signing key is a secret: owner-only (issue 11, item 17)
        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kms ca", caKey, HashAlgorithmName.SHA256);
        DateTimeOffset notBefore = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using X509Certificate2 ca = request.CreateSelfSigned(notBefore, notBefore.AddYears(1));
        File.WriteAllText(CaPath, ca.ExportCertificatePem());
        CaSha256Hex = Convert.ToHexStringLower(SHA256.HashData(ca.RawData));
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string App => _temp.Combine("app");

    private string KeyPath => _temp.Combine("key.pem");

    private string CaPath => _temp.Combine("ca.crt");

    private string OutputPath => _temp.Combine("app.sig.json");

    private string CaSha256Hex { get; }

    public void Dispose() => _temp.Dispose();

    private EnclaveSigningRequest Request() => new() { SigningKeyPath = KeyPath, OutputPath = OutputPath, ApplicationDirectory = App };

    [Fact]
    public async Task SignToFileAsync_WithAnchors_WritesWhatVerifyFileAsyncAccepts()
    {
        SignedEnclave signed = await EnclaveSigner.SignToFileAsync(Request() with { KmsUrl = s_kmsUrl, KmsCaPath = CaPath }, Token);

        VerifiedEnclave verified = await EnclaveSigner.VerifyFileAsync(OutputPath, App, Token);

        Assert.Equal(signed.MrEnclave, verified.Identity.MrEnclaveHex);
        Assert.Equal(signed.MrSigner, verified.Identity.MrSignerHex);
        Assert.Equal(CaSha256Hex, verified.TrustAnchors!.KmsCaSha256Hex);
        Assert.Equal(s_kmsUrl, verified.TrustAnchors.KmsUrl);
        Assert.Contains(signed.Files, f => f.Path == "work.dll");
    }

    [Fact]
    public async Task VerifyFileAsync_ChangedFile_RefusedNamingIt()
    {
        await EnclaveSigner.SignToFileAsync(Request(), Token);
        File.WriteAllText(Path.Combine(App, "work.dll"), "a patched workload");

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyFileAsync(OutputPath, App, Token));

        Assert.Contains(Path.Combine(App, "work.dll"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignToFileAsync_ExistingOutput_ReplacedOnlyWithOverwrite()
    {
        File.WriteAllText(OutputPath, "keep me");

        await Assert.ThrowsAsync<IOException>(() => EnclaveSigner.SignToFileAsync(Request(), Token));
        Assert.Equal("keep me", File.ReadAllText(OutputPath));
        SignedEnclave signed = await EnclaveSigner.SignToFileAsync(Request() with { Overwrite = true }, Token);
        Assert.Equal(signed.MrEnclave, (await EnclaveSigner.LoadAsync(OutputPath, Token)).MrEnclave);
    }

    [Theory]
    [InlineData("missing key", typeof(FileNotFoundException), "Signing key")]
    [InlineData("key not PEM", typeof(InvalidDataException), "is not a PEM RSA private key")]
    [InlineData("missing CA", typeof(FileNotFoundException), "KMS CA certificate")]
    [InlineData("CA not a certificate", typeof(InvalidDataException), "is not a certificate")]
    [InlineData("missing application", typeof(DirectoryNotFoundException), "Application directory")]
    [InlineData("URL without CA", typeof(ArgumentException), "go together")]
    [InlineData("http URL", typeof(TeeException), "https")]
    public async Task SignToFileAsync_BadInput_ThrowsOneClearErrorAndWritesNothing(string input, Type expected, string message)
    {
        string missing = _temp.Combine("missing");
        string notPem = _temp.Combine("not.pem");
        File.WriteAllText(notPem, "not a key or a certificate");
        File.SetUnixFileMode(notPem, Ppml.Core.IO.SecretFiles.FileMode);
        EnclaveSigningRequest anchored = Request() with { KmsUrl = s_kmsUrl, KmsCaPath = CaPath };
        EnclaveSigningRequest request = input switch
        {
            "missing key" => anchored with { SigningKeyPath = missing },
            "key not PEM" => anchored with { SigningKeyPath = notPem },
            "missing CA" => anchored with { KmsCaPath = missing },
            "CA not a certificate" => anchored with { KmsCaPath = notPem },
            "missing application" => anchored with { ApplicationDirectory = missing },
            "URL without CA" => anchored with { KmsCaPath = null },
            _ => anchored with { KmsUrl = new Uri("http://127.0.0.1:9876") },
        };

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => EnclaveSigner.SignToFileAsync(request, Token));

        Assert.IsType(expected, error);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(OutputPath));
    }
}
