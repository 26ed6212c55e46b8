using System.Security.Cryptography;
using Ppml.Crypto.Keys;
using Ppml.Tee.Measurement;
using Ppml.Testing;

namespace Ppml.Tee.Tests.Measurement;

public sealed class EnclaveSignerTests : IDisposable
{
    private static readonly Lazy<RSA> s_key = new(() => RsaKeyGenerator.Generate(3072, 3));
    private static readonly Lazy<RSA> s_otherKey = new(() => RsaKeyGenerator.Generate(3072, 3));
    private readonly TempDirectory _app = new();

    public EnclaveSignerTests()
    {
        Directory.CreateDirectory(_app.Combine("runtimes", "linux-x64", "native"));
        File.WriteAllText(_app.Combine("ppml.dll"), "assembly one");
        File.WriteAllText(_app.Combine("Ppml.Crypto.dll"), "assembly two");
        File.WriteAllText(_app.Combine("ppml.runtimeconfig.json"), "{}");
        File.WriteAllText(_app.Combine("runtimes", "linux-x64", "native", "libduckdb.so"), "native");
        File.WriteAllText(_app.Combine("notes.txt"), "not trusted");
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task SignThenVerify_ReturnsIdentity_WithSgxMrSigner()
    {
        SignedEnclave enclave = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(_app.Path), s_key.Value, Token);

        EnclaveIdentity identity = await EnclaveSigner.VerifyAsync(enclave, cancellationToken: Token);

        Assert.Equal(["Ppml.Crypto.dll", "ppml.dll", "ppml.runtimeconfig.json", "runtimes/linux-x64/native/libduckdb.so"], enclave.Files.Select(f => f.Path));
        byte[] modulus = s_key.Value.ExportParameters(false).Modulus!;
        Array.Reverse(modulus);
        Assert.Equal(SHA256.HashData(modulus), identity.MrSigner);
        Assert.Equal(1, identity.IsvProdId);
        Assert.False(identity.Debug);
    }

    [Fact]
    public async Task Verify_TamperedTrustedFile_RefusedNamingFile()
    {
        SignedEnclave enclave = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(_app.Path), s_key.Value, Token);
        File.AppendAllText(_app.Combine("Ppml.Crypto.dll"), "!");

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(enclave, cancellationToken: Token));

        Assert.Contains("Ppml.Crypto.dll", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_UntrustedFileChanged_StillVerifies()
    {
        SignedEnclave enclave = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(_app.Path), s_key.Value, Token);
        File.AppendAllText(_app.Combine("notes.txt"), "!");

        await EnclaveSigner.VerifyAsync(enclave, cancellationToken: Token);
    }

    [Fact]
    public async Task Sign_DifferentKey_SameMrEnclaveDifferentMrSigner()
    {
        SignedEnclave a = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(_app.Path), s_key.Value, Token);
        SignedEnclave b = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(_app.Path), s_otherKey.Value, Token);

        Assert.Equal(a.MrEnclave, b.MrEnclave);
        Assert.NotEqual(a.MrSigner, b.MrSigner);
    }

    [Fact]
    public async Task Verify_EditedSvnOrMeasurement_SignatureFails()
    {
        SignedEnclave enclave = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(_app.Path), s_key.Value, Token);
        SignedEnclave raisedSvn = Clone(enclave, isvSvn: enclave.IsvSvn + 1);
        SignedEnclave debug = Clone(enclave, debug: true);

        await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(raisedSvn, cancellationToken: Token));
        await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(debug, cancellationToken: Token));
    }

    [Fact]
    public async Task Verify_RoundTripThroughJson()
    {
        SignedEnclave enclave = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(_app.Path), s_key.Value, Token);
        string path = _app.Combine("ppml.sig.json");
        await File.WriteAllBytesAsync(path, EnclaveSigner.Serialize(enclave), Token);

        EnclaveIdentity identity = await EnclaveSigner.VerifyAsync(await EnclaveSigner.LoadAsync(path, Token), cancellationToken: Token);

        Assert.Equal(enclave.MrEnclave, identity.MrEnclaveHex);
    }

    [Fact]
    public async Task Sign_KeyWithExponent65537_IsRefused()
    {
        using RSA wrong = RSA.Create(3072);

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(_app.Path), wrong, Token));
        Assert.Contains("exponent 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadManifest_Json_ResolvesBaseDirectoryAndValidates()
    {
        string manifestPath = _app.Combine("app.manifest.json");
        await File.WriteAllTextAsync(manifestPath, """{"name":"app","isvProdId":7,"isvSvn":3,"trustedFiles":["*.dll"]}""", Token);
        string badPath = _app.Combine("bad.manifest.json");
        await File.WriteAllTextAsync(badPath, """{"name":"app","isvProdId":70000,"trustedFiles":["*.dll"]}""", Token);

        EnclaveManifest manifest = await EnclaveManifest.LoadAsync(manifestPath, Token);
        SignedEnclave enclave = await EnclaveSigner.SignAsync(manifest, s_key.Value, Token);

        Assert.Equal(_app.Path, manifest.BaseDirectory);
        Assert.Equal(2, enclave.Files.Count);
        Assert.Equal(7, enclave.IsvProdId);
        await Assert.ThrowsAsync<TeeException>(() => EnclaveManifest.LoadAsync(badPath, Token));
    }

    [Theory]
    [InlineData("*.dll", "a.dll", true)]
    [InlineData("*.dll", "sub/a.dll", false)]
    [InlineData("**/*.so", "a/b/c.so", true)]
    [InlineData("**/*.so", "c.so", true)]
    [InlineData("runtimes/**/*.so", "runtimes/x/y.so", true)]
    [InlineData("a?.txt", "ab.txt", true)]
    [InlineData("a.txt", "aXtxt", false)]
    public void GlobToRegex_MatchesLikeGramineTrustedFiles(string glob, string path, bool expected) =>
        Assert.Equal(expected, EnclaveSigner.GlobToRegex(glob).IsMatch(path));

    private static SignedEnclave Clone(SignedEnclave source, int? isvSvn = null, bool? debug = null) => new()
    {
        Name = source.Name,
        MrEnclave = source.MrEnclave,
        MrSigner = source.MrSigner,
        IsvProdId = source.IsvProdId,
        IsvSvn = isvSvn ?? source.IsvSvn,
        Debug = debug ?? source.Debug,
        BaseDirectory = source.BaseDirectory,
        Files = source.Files,
        Modulus = source.Modulus,
        Exponent = source.Exponent,
        Signature = source.Signature,
    };
}
