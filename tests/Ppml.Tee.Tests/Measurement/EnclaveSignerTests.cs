using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ppml.Crypto.Keys;
using Ppml.Tee.Measurement;
using Ppml.Testing;

namespace Ppml.Tee.Tests.Measurement;

public sealed class EnclaveSignerTests : IDisposable
{
    private static readonly Lazy<RSA> s_key = new(() => RsaKeyGenerator.Generate(3072, 3));
    private static readonly Lazy<RSA> s_otherKey = new(() => RsaKeyGenerator.Generate(3072, 3));
    private readonly TempDirectory _temp = new();

    public EnclaveSignerTests()
    {
        SyntheticApplication.Write(App);
        Runtime = SyntheticApplication.WriteRuntime(_temp.Combine("dotnet"));
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string App => _temp.Combine("app");

    private IReadOnlyList<RuntimeComponent> Runtime { get; }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task SignThenVerify_ReturnsIdentity_WithSgxMrSigner_AndListsEveryFile()
    {
        SignedEnclave enclave = await SignAsync();

        EnclaveIdentity identity = await EnclaveSigner.VerifyAsync(enclave, App, Runtime, Token);

        Assert.Equal(
            [
                ".hidden", "Ppml.Crypto.dll", "Ppml.Crypto.pdb", "de/Ppml.Cli.resources.dll", "notes.txt", "ppml", "ppml.dll", "ppml.runtimeconfig.json",
                "runtime:Microsoft.NETCore.App/System.Private.CoreLib.dll", "runtime:Microsoft.NETCore.App/libcoreclr.so", "runtime:host/dotnet",
                "runtimes/linux-x64/native/libduckdb.so",
            ],
            enclave.Files.Select(f => f.Path));
        byte[] modulus = s_key.Value.ExportParameters(false).Modulus!;
        Array.Reverse(modulus);
        Assert.Equal(SHA256.HashData(modulus), identity.MrSigner);
        Assert.Equal(enclave.MrEnclave, identity.MrEnclaveHex);
        Assert.Equal(1, identity.IsvProdId);
        Assert.False(identity.Debug);
    }

    [Fact]
    public async Task Verify_CopyElsewhereWithOneByteChanged_RefusedNamingTheFile_AndMeasurementDiffers()
    {
        SignedEnclave enclave = await SignAsync();
        string copy = SyntheticApplication.Copy(App, _temp.Combine("elsewhere"));
        byte[] bytes = File.ReadAllBytes(Path.Combine(copy, "ppml.dll"));
        bytes[0] ^= 0x01;
        File.WriteAllBytes(Path.Combine(copy, "ppml.dll"), bytes);

        // The signed document still names the genuine directory; verification must measure the copy, as the runtime does.
        TeeException error = await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(enclave, copy, Runtime, Token));
        byte[] recomputed = await EnclaveSigner.ComputeMrEnclaveAsync(copy, Runtime, trustAnchors: null, Token);

        Assert.Contains(Path.Combine(copy, "ppml.dll"), error.Message, StringComparison.Ordinal);
        Assert.Contains("differs", error.Message, StringComparison.Ordinal);
        Assert.Equal(App, enclave.BaseDirectory);
        Assert.NotEqual(enclave.MrEnclave, Convert.ToHexStringLower(recomputed));
    }

    [Fact]
    public async Task Verify_IdenticalCopyElsewhere_Verifies()
    {
        SignedEnclave enclave = await SignAsync();
        string copy = SyntheticApplication.Copy(App, _temp.Combine("elsewhere"));

        EnclaveIdentity identity = await EnclaveSigner.VerifyAsync(enclave, copy, Runtime, Token);

        Assert.Equal(enclave.MrEnclave, identity.MrEnclaveHex);
    }

    [Theory]
    [InlineData("evil.dll")]
    [InlineData("de/x.resources.dll")]
    [InlineData(".evil.so")]
    [InlineData("runtimes/linux-x64/native/libevil.so")]
    public async Task Verify_FileAddedAfterSigning_RefusedNamingIt(string added)
    {
        SignedEnclave enclave = await SignAsync();
        string path = Path.Combine(App, added);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "injected");

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(enclave, App, Runtime, Token));

        Assert.StartsWith("Unmeasured file", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(path), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RuntimeFileChanged_RefusedNamingIt()
    {
        SignedEnclave enclave = await SignAsync();
        File.AppendAllText(Path.Combine(Runtime[0].Path, "libcoreclr.so"), "!");

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(enclave, App, Runtime, Token));

        Assert.Contains("runtime:Microsoft.NETCore.App/libcoreclr.so", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RuntimeFileAdded_RefusedNamingIt()
    {
        SignedEnclave enclave = await SignAsync();
        File.WriteAllText(Path.Combine(Runtime[0].Path, "libinjected.so"), "!");

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(enclave, App, Runtime, Token));

        Assert.Contains("runtime:Microsoft.NETCore.App/libinjected.so", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_FileRemoved_RefusedNamingIt()
    {
        SignedEnclave enclave = await SignAsync();
        File.Delete(Path.Combine(App, "Ppml.Crypto.pdb"));

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(enclave, App, Runtime, Token));

        Assert.Contains("Ppml.Crypto.pdb", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AnyFileChanged_EvenNotAnAssembly_Refused()
    {
        SignedEnclave enclave = await SignAsync();
        File.AppendAllText(Path.Combine(App, "notes.txt"), "!");

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(enclave, App, Runtime, Token));

        Assert.Contains("notes.txt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ListedMeasurementEditedToMatchAChangedFile_RefusedBySignature()
    {
        SignedEnclave enclave = await SignAsync();
        File.AppendAllText(Path.Combine(App, "ppml.dll"), "patched");
        SignedEnclave patched = await SignAsync(key: s_otherKey.Value);
        SignedEnclave forged = Clone(enclave, files: patched.Files, mrEnclave: patched.MrEnclave);

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(forged, App, Runtime, Token));

        Assert.Contains("signature does not verify", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ListEditedToMatchAChangedFile_RefusedByTheRecomputedMeasurement()
    {
        SignedEnclave enclave = await SignAsync();
        File.AppendAllText(Path.Combine(App, "ppml.dll"), "patched");
        string patchedHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(App, "ppml.dll"))));
        SignedEnclave forged = Clone(enclave, files: [.. enclave.Files.Select(f => f.Path == "ppml.dll" ? f with { Sha256 = patchedHash } : f)]);

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(forged, App, Runtime, Token));

        Assert.Contains("MRENCLAVE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_DifferentKey_SameMrEnclaveDifferentMrSigner()
    {
        SignedEnclave a = await SignAsync();
        SignedEnclave b = await SignAsync(key: s_otherKey.Value);

        Assert.Equal(a.MrEnclave, b.MrEnclave);
        Assert.NotEqual(a.MrSigner, b.MrSigner);
    }

    [Fact]
    public async Task Sign_WithTrustAnchors_FoldsThemIntoMrEnclave_AndAnotherCaGivesAnotherMeasurement()
    {
        TrustAnchors first = new(new Uri("https://127.0.0.1:9876"), SHA256.HashData("ca one"u8));
        TrustAnchors second = new(new Uri("https://127.0.0.1:9876"), SHA256.HashData("ca two"u8));

        SignedEnclave none = await SignAsync();
        SignedEnclave one = await SignAsync(anchors: first);
        SignedEnclave two = await SignAsync(anchors: second);
        await EnclaveSigner.VerifyAsync(two, App, Runtime, Token);

        Assert.NotEqual(none.MrEnclave, one.MrEnclave);
        Assert.NotEqual(one.MrEnclave, two.MrEnclave);
        Assert.Equal(first.KmsCaSha256Hex, one.KmsCaSha256);
        Assert.Equal("https://127.0.0.1:9876/", one.KmsUrl);
        Assert.Equal(second.KmsCaSha256Hex, EnclaveSigner.ReadTrustAnchors(two)!.KmsCaSha256Hex);
    }

    [Theory]
    [InlineData("kmsUrl", "https://evil.example:9876/")]
    [InlineData("kmsCaSha256", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")]
    public async Task Verify_TrustAnchorEditedWithoutResigning_Refused(string field, string value)
    {
        SignedEnclave enclave = await SignAsync(anchors: new TrustAnchors(new Uri("https://127.0.0.1:9876"), SHA256.HashData("ca"u8)));
        JsonNode json = JsonNode.Parse(EnclaveSigner.Serialize(enclave))!;
        json[field] = value;
        string path = _temp.Combine("edited.sig.json");
        await File.WriteAllTextAsync(path, json.ToJsonString(), Token);

        SignedEnclave edited = await EnclaveSigner.LoadAsync(path, Token);
        TeeException error = await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(edited, App, Runtime, Token));

        Assert.Contains("edited", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TrustAnchorRemovedWithoutResigning_Refused()
    {
        SignedEnclave enclave = await SignAsync(anchors: new TrustAnchors(new Uri("https://127.0.0.1:9876"), SHA256.HashData("ca"u8)));
        SignedEnclave stripped = Clone(enclave, kmsUrl: null, kmsCaSha256: null);

        await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(stripped, App, Runtime, Token));
    }

    [Fact]
    public async Task Verify_EditedSvnOrDebug_SignatureFails()
    {
        SignedEnclave enclave = await SignAsync();

        await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(Clone(enclave, isvSvn: enclave.IsvSvn + 1), App, Runtime, Token));
        await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(Clone(enclave, debug: true), App, Runtime, Token));
    }

    [Fact]
    public async Task Verify_OldFormat_RefusedWithTheFix()
    {
        SignedEnclave enclave = await SignAsync();
        SignedEnclave old = Clone(enclave, format: "ppml-sigstruct/1");

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.VerifyAsync(old, App, Runtime, Token));

        Assert.Contains("ppml enclave sign", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RoundTripThroughJson()
    {
        SignedEnclave enclave = await SignAsync();
        string path = _temp.Combine("ppml.sig.json");
        await File.WriteAllBytesAsync(path, EnclaveSigner.Serialize(enclave), Token);

        EnclaveIdentity identity = await EnclaveSigner.VerifyAsync(await EnclaveSigner.LoadAsync(path, Token), App, Runtime, Token);

        Assert.Equal(enclave.MrEnclave, identity.MrEnclaveHex);
    }

    [Fact]
    public async Task Sign_KeyWithExponent65537_IsRefused()
    {
        using RSA wrong = RSA.Create(3072);

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(App), wrong, Token));
        Assert.Contains("exponent 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadManifest_Json_ResolvesBaseDirectoryAndValidates()
    {
        string manifestPath = _temp.Combine("app.manifest.json");
        await File.WriteAllTextAsync(manifestPath, """{"name":"app","isvProdId":7,"isvSvn":3,"baseDirectory":"app"}""", Token);
        string badPath = _temp.Combine("bad.manifest.json");
        await File.WriteAllTextAsync(badPath, """{"name":"app","isvProdId":70000}""", Token);
        string globsPath = _temp.Combine("globs.manifest.json");
        await File.WriteAllTextAsync(globsPath, """{"name":"app","trustedFiles":["*.dll"]}""", Token);

        EnclaveManifest manifest = await EnclaveManifest.LoadAsync(manifestPath, Token);
        SignedEnclave enclave = await EnclaveSigner.SignAsync(manifest, s_key.Value, trustAnchors: null, Runtime, Token);

        Assert.Equal(App, manifest.BaseDirectory);
        Assert.Equal(7, enclave.IsvProdId);
        await Assert.ThrowsAsync<TeeException>(() => EnclaveManifest.LoadAsync(badPath, Token));
        TeeException globs = await Assert.ThrowsAsync<TeeException>(() => EnclaveManifest.LoadAsync(globsPath, Token));
        Assert.Contains("trustedFiles", globs.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_RuntimeFromRuntimeConfig_IsTheFrameworkThisProcessRunsOn()
    {
        // The synthetic runtimeconfig names Microsoft.NETCore.App 10.0.0: resolved to this process's framework directory.
        SignedEnclave enclave = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(App), s_key.Value, Token);
        string coreLib = Path.GetDirectoryName(typeof(object).Assembly.Location)!;

        TrustedFile listed = Assert.Single(enclave.Files, f => f.Path == "runtime:Microsoft.NETCore.App/System.Private.CoreLib.dll");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(coreLib, "System.Private.CoreLib.dll")))), listed.Sha256);
        Assert.Contains(enclave.Files, f => f.Path.StartsWith("runtime:host/fxr/", StringComparison.Ordinal));
    }

    private Task<SignedEnclave> SignAsync(RSA? key = null, TrustAnchors? anchors = null) =>
        EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(App), key ?? s_key.Value, anchors, Runtime, Token);

    private static SignedEnclave Clone(
        SignedEnclave source,
        int? isvSvn = null,
        bool? debug = null,
        IReadOnlyList<TrustedFile>? files = null,
        string? mrEnclave = null,
        string? format = null,
        string? kmsUrl = "keep",
        string? kmsCaSha256 = "keep") => new()
    {
        Format = format ?? source.Format,
        Name = source.Name,
        MrEnclave = mrEnclave ?? source.MrEnclave,
        MrSigner = source.MrSigner,
        IsvProdId = source.IsvProdId,
        IsvSvn = isvSvn ?? source.IsvSvn,
        Debug = debug ?? source.Debug,
        BaseDirectory = source.BaseDirectory,
        KmsUrl = kmsUrl == "keep" ? source.KmsUrl : kmsUrl,
        KmsCaSha256 = kmsCaSha256 == "keep" ? source.KmsCaSha256 : kmsCaSha256,
        Files = files ?? source.Files,
        Modulus = source.Modulus,
        Exponent = source.Exponent,
        Signature = source.Signature,
    };
}
