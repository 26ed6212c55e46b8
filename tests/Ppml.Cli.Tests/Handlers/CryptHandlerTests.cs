using Ppml.Crypto.Container;

namespace Ppml.Cli.Tests.Handlers;

public class CryptHandlerTests : IClassFixture<InitializedWorkspace>
{
    private readonly InitializedWorkspace _workspace;

    public CryptHandlerTests(InitializedWorkspace workspace)
    {
        _workspace = workspace;
    }

    private CliHarness NewHarness() => _workspace.NewHarness();

    [Fact]
    public async Task EncryptDecrypt_SingleFile_RoundTripsAndHidesPlaintext()
    {
        using CliHarness cli = NewHarness();
        cli.Write("plain.csv", "name,secret\nalice,TOPSECRET-42\n");

        CliResult encrypt = await cli.RunAsync("encrypt", "--in", "plain.csv", "--out", "plain.csv.ppml");
        CliResult decrypt = await cli.RunAsync("decrypt", "--in", "plain.csv.ppml", "--out", "back.csv");

        Assert.True(encrypt.ExitCode == 0, encrypt.ToString());
        Assert.True(decrypt.ExitCode == 0, decrypt.ToString());
        Assert.DoesNotContain("TOPSECRET", File.ReadAllText(cli.Temp.Combine("plain.csv.ppml")), StringComparison.Ordinal);
        Assert.Equal("name,secret\nalice,TOPSECRET-42\n", File.ReadAllText(cli.Temp.Combine("back.csv")));
    }

    [Fact]
    public async Task EncryptDecrypt_DirectoryTree_MirroredWithExtension()
    {
        using CliHarness cli = NewHarness();
        cli.Write("data/a.txt", "alpha");
        cli.Write("data/sub/b.txt", "beta");
        cli.Write("data/empty.txt", string.Empty);

        CliResult encrypt = await cli.RunAsync("encrypt", "--in", "data", "--out", "enc", "--json");
        CliResult decrypt = await cli.RunAsync("decrypt", "--in", "enc", "--out", "dec");

        Assert.True(encrypt.ExitCode == 0, encrypt.ToString());
        Assert.Contains("\"files\":3", encrypt.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(cli.Temp.Combine("enc", "sub", "b.txt.ppml")));
        Assert.True(decrypt.ExitCode == 0, decrypt.ToString());
        Assert.Equal("beta", File.ReadAllText(cli.Temp.Combine("dec", "sub", "b.txt")));
        Assert.Equal(string.Empty, File.ReadAllText(cli.Temp.Combine("dec", "empty.txt")));
    }

    [Fact]
    public async Task Encrypt_FreshDataKeyPerFile()
    {
        using CliHarness cli = NewHarness();
        cli.Write("data/a.txt", "same");
        cli.Write("data/b.txt", "same");

        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "data", "--out", "enc")).ExitCode);

        ContainerHeader a = PpmlContainer.ReadHeader(File.ReadAllBytes(cli.Temp.Combine("enc", "a.txt.ppml")));
        ContainerHeader b = PpmlContainer.ReadHeader(File.ReadAllBytes(cli.Temp.Combine("enc", "b.txt.ppml")));
        Assert.False(a.WrappedDataKey.Span.SequenceEqual(b.WrappedDataKey.Span));
        Assert.Equal("primary", a.KeyReference);
    }

    [Fact]
    public async Task Encrypt_ExistingOutput_RefusedWithoutForce()
    {
        using CliHarness cli = NewHarness();
        cli.Write("p.txt", "x");
        cli.Write("p.txt.ppml", "keep me");

        CliResult refused = await cli.RunAsync("encrypt", "--in", "p.txt", "--out", "p.txt.ppml");
        CliResult forced = await cli.RunAsync("encrypt", "--in", "p.txt", "--out", "p.txt.ppml", "--force");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, forced.ExitCode);
        Assert.True(PpmlContainer.LooksLikeContainer(File.ReadAllBytes(cli.Temp.Combine("p.txt.ppml"))));
    }

    [Fact]
    public async Task Decrypt_NotAContainer_OneLineNamingFile_NoOutput()
    {
        using CliHarness cli = NewHarness();
        cli.Write("plain.txt.ppml", "this is just text, not a container");

        CliResult result = await cli.RunAsync("decrypt", "--in", "plain.txt.ppml", "--out", "out.txt");

        Assert.Equal(2, result.ExitCode);
        AssertOneLineNaming(result, "plain.txt.ppml");
        Assert.False(File.Exists(cli.Temp.Combine("out.txt")));
    }

    [Fact]
    public async Task Decrypt_WrongKey_FromAnotherWorkspace_FailsNamingFile_NoOutput()
    {
        using CliHarness cli = NewHarness();
        using var other = new CliHarness();
        Assert.Equal(0, (await other.RunAsync("init")).ExitCode);
        other.Write("secret.txt", "other workspace data");
        Assert.Equal(0, (await other.RunAsync("encrypt", "--in", "secret.txt", "--out", "secret.txt.ppml")).ExitCode);
        File.Copy(other.Temp.Combine("secret.txt.ppml"), cli.Temp.Combine("secret.txt.ppml"));

        CliResult result = await cli.RunAsync("decrypt", "--in", "secret.txt.ppml", "--out", "secret.txt");

        Assert.Equal(1, result.ExitCode);
        AssertOneLineNaming(result, "secret.txt.ppml");
        Assert.False(File.Exists(cli.Temp.Combine("secret.txt")));
    }

    [Fact]
    public async Task Decrypt_CorruptedWrappedKey_FailsNamingFile_NoOutput()
    {
        using CliHarness cli = NewHarness();
        cli.Write("d.txt", "data under a wrapped key");
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "d.txt", "--out", "d.txt.ppml")).ExitCode);
        string path = cli.Temp.Combine("d.txt.ppml");
        byte[] bytes = File.ReadAllBytes(path);
        byte[] wrapped = PpmlContainer.ReadHeader(bytes).WrappedDataKey.ToArray();
        int offset = bytes.AsSpan().IndexOf(wrapped);
        Assert.True(offset > 0);
        bytes[offset + (wrapped.Length / 2)] ^= 0x10;
        File.WriteAllBytes(path, bytes);

        CliResult result = await cli.RunAsync("decrypt", "--in", "d.txt.ppml", "--out", "d.out");

        Assert.Equal(1, result.ExitCode);
        AssertOneLineNaming(result, "d.txt.ppml");
        Assert.False(File.Exists(cli.Temp.Combine("d.out")));
    }

    [Fact]
    public async Task Decrypt_DirectoryWithOneTamperedFile_LeavesNoOutputAtAll()
    {
        using CliHarness cli = NewHarness();
        cli.Write("data/a.txt", new string('a', 5000));
        cli.Write("data/b.txt", new string('b', 5000));
        cli.Write("data/c.txt", new string('c', 5000));
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "data", "--out", "enc")).ExitCode);
        string victim = cli.Temp.Combine("enc", "c.txt.ppml");
        byte[] bytes = File.ReadAllBytes(victim);
        bytes[^5] ^= 1;
        File.WriteAllBytes(victim, bytes);

        CliResult result = await cli.RunAsync("decrypt", "--in", "enc", "--out", "dec");

        Assert.Equal(1, result.ExitCode);
        AssertOneLineNaming(result, "c.txt.ppml");
        Assert.False(Directory.Exists(cli.Temp.Combine("dec")));
        Assert.Empty(Directory.GetDirectories(cli.Temp.Path, "dec*"));
    }

    [Fact]
    public async Task Decrypt_WrongKmsPassword_FailsClearly()
    {
        using CliHarness cli = NewHarness();
        cli.Write("d.txt", "x");
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "d.txt", "--out", "d.txt.ppml")).ExitCode);
        cli.Write("wrong.pw", "not-the-password");

        CliResult result = await cli.RunAsync("decrypt", "--in", "d.txt.ppml", "--out", "d.out", "--kms-password-file", "wrong.pw");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("password", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("kms.json", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.Temp.Combine("d.out")));
    }

    [Fact]
    public async Task Encrypt_MissingWorkspace_TellsToRunInit()
    {
        using var cli = new CliHarness();
        cli.Write("d.txt", "x");

        CliResult result = await cli.RunAsync("encrypt", "--in", "d.txt", "--out", "d.txt.ppml");

        Assert.Equal(1, result.ExitCode);
        AssertOneLineNaming(result, ".ppml");
        Assert.Contains("ppml init", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.Temp.Combine("d.txt.ppml")));
    }

    [Fact]
    public async Task Encrypt_MissingInput_IsUsageError()
    {
        using CliHarness cli = NewHarness();

        CliResult result = await cli.RunAsync("encrypt", "--in", "nope.txt", "--out", "x.ppml");

        Assert.Equal(2, result.ExitCode);
        AssertOneLineNaming(result, "nope.txt");
    }

    [Fact]
    public async Task Encrypt_WithRotatedKey_OldFilesStillDecrypt()
    {
        using CliHarness cli = NewHarness();
        cli.Write("old.txt", "before rotation");
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "old.txt", "--out", "old.txt.ppml")).ExitCode);

        CliResult rotate = await cli.RunAsync("kms", "key", "rotate", "primary");
        CliResult decrypt = await cli.RunAsync("decrypt", "--in", "old.txt.ppml", "--out", "old.back");

        Assert.Contains("version 2", rotate.Output, StringComparison.Ordinal);
        Assert.Equal(0, decrypt.ExitCode);
        Assert.Equal("before rotation", File.ReadAllText(cli.Temp.Combine("old.back")));
    }

    [Fact]
    public async Task Encrypt_SegmentSizeAndNamedKey_AreRecordedInHeader()
    {
        using CliHarness cli = NewHarness();
        Assert.Equal(0, (await cli.RunAsync("kms", "key", "create", "datasets")).ExitCode);
        cli.Write("d.txt", new string('z', 10_000));

        CliResult result = await cli.RunAsync("encrypt", "--in", "d.txt", "--out", "d.txt.ppml", "--key", "datasets", "--segment-size", "4096");

        Assert.True(result.ExitCode == 0, result.ToString());
        ContainerHeader header = PpmlContainer.ReadHeader(File.ReadAllBytes(cli.Temp.Combine("d.txt.ppml")));
        Assert.Equal("datasets", header.KeyReference);
        Assert.Equal(4096, header.SegmentSize);
    }

    private static void AssertOneLineNaming(CliResult result, string name)
    {
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.ToString());
        Assert.StartsWith("ppml: error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(name, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
