using System.Diagnostics;
using System.Text;
using Ppml.Crypto.Container;
using Ppml.Data.Tpch;
using Ppml.Cli.Tests.Handlers;
using Ppml.Testing;

namespace Ppml.Cli.Tests.Regressions;

/// <summary>
/// Issue 11, items 5-7 through the real command: a trailing slash on --out, symbolic links and special files with
/// --force, '--out -', and what Ctrl-C and SIGKILL leave behind (the latter two in a child 'ppml' process).
/// </summary>
public class Issue11_WritingOutputs : IClassFixture<InitializedWorkspace>, IClassFixture<TpchDataFixture>
{
    private const string Plaintext = "name,secret\nalice,TOPSECRET-42\n";

    private readonly InitializedWorkspace _workspace;
    private readonly TpchDataFixture _tpch;

    public Issue11_WritingOutputs(InitializedWorkspace workspace, TpchDataFixture tpch)
    {
        _workspace = workspace;
        _tpch = tpch;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EncryptDecrypt_TreeWithTrailingSlash_SucceedsFirstTime()
    {
        using CliHarness cli = _workspace.NewHarness();
        cli.Write("data/a.csv", Plaintext);
        cli.Write("data/sub/b.csv", "b");

        CliResult encrypt = await cli.RunAsync("encrypt", "--in", "data/", "--out", "data.enc/");
        CliResult decrypt = await cli.RunAsync("decrypt", "--in", "data.enc/", "--out", "x/");

        Assert.True(encrypt.ExitCode == 0, encrypt.ToString());
        Assert.True(decrypt.ExitCode == 0, decrypt.ToString());
        Assert.True(PpmlContainer.LooksLikeContainer(File.ReadAllBytes(cli.Temp.Combine("data.enc", "a.csv.ppml"))));
        Assert.Equal(Plaintext, File.ReadAllText(cli.Temp.Combine("x", "a.csv")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.Temp.Path, "*.tmp-*"));
    }

    [Fact]
    public async Task EncryptDecrypt_OneFileWithTrailingSlash_WritesInsideTheNewDirectoryFirstTime()
    {
        // The symptom: exit 1 ("The file '.../y/' already exists") and an empty y/ left; the second run succeeded.
        using CliHarness cli = _workspace.NewHarness();
        cli.Write("a.csv", Plaintext);

        CliResult encrypt = await cli.RunAsync("encrypt", "--in", "a.csv", "--out", "z/");
        CliResult decrypt = await cli.RunAsync("decrypt", "--in", "z/a.csv.ppml", "--out", "y/");

        Assert.True(encrypt.ExitCode == 0, encrypt.ToString());
        Assert.True(decrypt.ExitCode == 0, decrypt.ToString());
        Assert.Equal(["a.csv.ppml"], Directory.EnumerateFileSystemEntries(cli.Temp.Combine("z")).Select(Path.GetFileName));
        Assert.Equal(Plaintext, File.ReadAllText(cli.Temp.Combine("y", "a.csv")));
    }

    [Fact]
    public async Task TpchRun_OutWithTrailingSlash_WritesAll22Answers()
    {
        using CliHarness cli = _tpch.NewHarness();

        CliResult run = await cli.RunAsync("tpch", "run", "--data", _tpch.Plain + "/", "--out", "answers/");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(TpchQueries.Count, Directory.GetFiles(cli.Temp.Combine("answers"), "q*.csv").Length);
        Assert.Empty(Siblings(cli.Temp.Path, "answers"));
    }

    [Fact]
    public async Task SqlOut_FileNameWithTrailingSlash_RefusedWithOneLineAndNothingCreated()
    {
        using CliHarness cli = _workspace.NewHarness();

        CliResult sql = await cli.RunAsync("sql", "SELECT 1 AS a", "--out", "r.csv/");

        Assert.Equal(2, sql.ExitCode);
        Assert.Contains("names a directory", sql.Error, StringComparison.Ordinal);
        Assert.Single(sql.Error.Trim().Split('\n'), line => line.StartsWith("ppml: error:", StringComparison.Ordinal));
        Assert.False(Directory.Exists(cli.Temp.Combine("r.csv")));
    }

    [Fact]
    public async Task Decrypt_ForceOntoSymlinkToFile_WritesThroughAndKeepsTheLink()
    {
        using CliHarness cli = _workspace.NewHarness();
        cli.Write("a.csv", Plaintext);
        string real = cli.Write("real.csv", "old");
        string link = cli.Temp.Combine("link.csv");
        File.CreateSymbolicLink(link, real);
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "a.csv", "--out", "a.csv.ppml")).ExitCode);

        CliResult decrypt = await cli.RunAsync("decrypt", "--in", "a.csv.ppml", "--out", "link.csv", "--force");

        Assert.True(decrypt.ExitCode == 0, decrypt.ToString());
        Assert.Equal(real, new FileInfo(link).LinkTarget);
        Assert.Equal(Plaintext, File.ReadAllText(real));
    }

    [Fact]
    public async Task Decrypt_ForceOntoSymlinkToDevNull_StreamsThroughAndNeverReplacesTheLink()
    {
        // The symptom: '--out /dev/stdout --force' as root replaced the /dev/stdout link with a plaintext file.
        using CliHarness cli = _workspace.NewHarness();
        cli.Write("a.csv", Plaintext);
        string link = cli.Temp.Combine("sink");
        File.CreateSymbolicLink(link, "/dev/null");
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "a.csv", "--out", "a.csv.ppml")).ExitCode);

        CliResult forced = await cli.RunAsync("decrypt", "--in", "a.csv.ppml", "--out", "sink", "--force");
        CliResult plain = await cli.RunAsync("decrypt", "--in", "a.csv.ppml", "--out", "sink");

        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Equal("/dev/null", new FileInfo(link).LinkTarget);
        Assert.Empty(Siblings(cli.Temp.Path, "sink"));
    }

    [Fact]
    public async Task Decrypt_DanglingSymlink_RefusedWithOneLine()
    {
        using CliHarness cli = _workspace.NewHarness();
        cli.Write("a.csv", Plaintext);
        string link = cli.Temp.Combine("out.csv");
        File.CreateSymbolicLink(link, cli.Temp.Combine("missing.csv"));
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "a.csv", "--out", "a.csv.ppml")).ExitCode);

        CliResult decrypt = await cli.RunAsync("decrypt", "--in", "a.csv.ppml", "--out", "out.csv", "--force");

        Assert.Equal(2, decrypt.ExitCode);
        Assert.Contains("dangling", decrypt.Error, StringComparison.Ordinal);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.False(File.Exists(cli.Temp.Combine("missing.csv")));
    }

    [Fact]
    public async Task Decrypt_OutDash_WritesPlaintextToStandardOutputNotAFileNamedDash()
    {
        using CliHarness cli = _workspace.NewHarness();
        cli.Write("a.csv", Plaintext);
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "a.csv", "--out", "a.csv.ppml")).ExitCode);

        CliResult decrypt = await cli.RunAsync("decrypt", "--in", "a.csv.ppml", "--out", "-");

        Assert.True(decrypt.ExitCode == 0, decrypt.ToString());
        Assert.Equal(Plaintext, Encoding.UTF8.GetString(cli.StandardOutput.ToArray()));
        Assert.Equal(string.Empty, decrypt.Output); // the report goes to stderr: stdout is the data
        Assert.Contains("Decrypted 1 file(s)", decrypt.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.Temp.Combine("-")));
    }

    [Fact]
    public async Task Decrypt_OutDashTamperedContainer_WritesNothingToStandardOutput()
    {
        using CliHarness cli = _workspace.NewHarness();
        cli.Write("a.csv", string.Concat(Enumerable.Repeat(Plaintext, 4096)));
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "a.csv", "--out", "a.csv.ppml", "--segment-size", "4096")).ExitCode);
        byte[] container = File.ReadAllBytes(cli.Temp.Combine("a.csv.ppml"));
        container[^5] ^= 1; // the last segment: an output streamed before authenticating would already have the rest
        File.WriteAllBytes(cli.Temp.Combine("a.csv.ppml"), container);

        CliResult decrypt = await cli.RunAsync("decrypt", "--in", "a.csv.ppml", "--out", "-");

        Assert.Equal(1, decrypt.ExitCode);
        Assert.Equal(0, cli.StandardOutput.Length);
    }

    [Fact]
    public async Task Encrypt_OutDashAndInDash_ContainerToStandardOutputAndStdinRefused()
    {
        using CliHarness cli = _workspace.NewHarness();
        cli.Write("a.csv", Plaintext);

        CliResult encrypt = await cli.RunAsync("encrypt", "--in", "a.csv", "--out", "-");
        CliResult stdin = await cli.RunAsync("encrypt", "--in", "-", "--out", "x.ppml");

        Assert.True(encrypt.ExitCode == 0, encrypt.ToString());
        Assert.True(PpmlContainer.LooksLikeContainer(cli.StandardOutput.ToArray()));
        Assert.Equal(2, stdin.ExitCode);
        Assert.Contains("--in -", stdin.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.Temp.Combine("-")));
    }

    [Fact]
    public async Task Decrypt_KilledMidWrite_LeavesNoReadablePlaintextAndTheNextRunCleansUp()
    {
        // The symptom: SIGKILL during decrypt left the authenticated plaintext as OUT.tmp-XXXXXXXX (102 MB).
        Require.Service(OperatingSystem.IsLinux(), "the child is found writing through /proc/PID/fd", "Run it on Linux (x64 or arm64), where CI runs.");
        using CliHarness cli = _workspace.NewHarness();
        WriteLargeTree(cli, files: 2);
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "data", "--out", "enc")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "data/f0.csv", "--out", "one.ppml")).ExitCode);
        Directory.Delete(cli.Temp.Combine("data"), recursive: true);

        using (Process child = StartPpml(cli, "decrypt", "--in", "one.ppml", "--out", "one.csv", "--owner"))
        {
            await WaitUntilWritingAsync(child, cli.Temp.Path);
            child.Kill();
            await child.WaitForExitAsync(Token);
        }

        using (Process child = StartPpml(cli, "decrypt", "--in", "enc", "--out", "tree", "--owner"))
        {
            // Killed while writing the second file: the first has authenticated whole and is still unnamed.
            await WaitUntilWritingAsync(child, cli.Temp.Path, files: 2);
            child.Kill();
            await child.WaitForExitAsync(Token);
        }

        // Nothing readable: no plaintext file anywhere, only the (empty, owner-only) staging directory of the tree.
        Assert.Empty(Directory.EnumerateFiles(cli.Temp.Path, "*.csv", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(cli.Temp.Path, "*.tmp-*", SearchOption.AllDirectories));
        string staging = Assert.Single(Directory.EnumerateDirectories(cli.Temp.Path, "tree.tmp-*"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(staging));

        CliResult again = await cli.RunAsync("decrypt", "--in", "enc", "--out", "tree", "--owner");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.Temp.Path, "*.tmp-*"));
        Assert.True(File.Exists(cli.Temp.Combine("tree", "f0.csv")));
    }

    [Fact]
    public async Task Encrypt_CtrlCDuringATree_Exits130WithCancelledAndLeavesNoTemporary()
    {
        // The symptom: exit 130 with no message and an empty OUT.tmp-* left (System.CommandLine's 2 s timeout).
        Require.Service(OperatingSystem.IsLinux(), "SIGINT is sent with kill(1)", "Run it on Linux (x64 or arm64), where CI runs.");
        using CliHarness cli = _workspace.NewHarness();
        WriteLargeTree(cli, files: 8); // 512 MiB: an idle machine encrypts 128 MiB before the poll catches it

        ProcessRunner.Result stopped;
        string error;
        using (Process child = StartPpml(cli, "encrypt", "--in", "data", "--out", "enc"))
        {
            await WaitUntilWritingAsync(child, cli.Temp.Path);
            stopped = await ProcessRunner.RunAsync("kill", ["-INT", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            error = await child.StandardError.ReadToEndAsync(Token);
            await child.WaitForExitAsync(Token);
            Assert.True(child.ExitCode == 130, $"exit {child.ExitCode}: {error}");
        }

        Assert.Equal(0, stopped.ExitCode);
        Assert.Contains("ppml: cancelled.", error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.Temp.Path, "enc*"));
    }

    /// <summary>Entries named NAME.something (temporaries, moved-aside outputs) beside NAME.</summary>
    private static IEnumerable<string> Siblings(string directory, string name) =>
        Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Where(entry => entry!.StartsWith(name + ".", StringComparison.Ordinal))!;

    private static void WriteLargeTree(CliHarness cli, int files)
    {
        // 64 MiB a file: the child is found writing long before it could finish.
        byte[] block = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(Plaintext, 1 << 15)));
        for (int i = 0; i < files; i++)
        {
            string path = cli.Write($"data/f{i}.csv", string.Empty);
            using FileStream stream = File.OpenWrite(path);
            for (long written = 0; written < 64L << 20; written += block.Length)
            {
                stream.Write(block);
            }
        }
    }

    private static Process StartPpml(CliHarness cli, params string[] arguments)
    {
        string ppml = FindPpml();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = cli.Temp.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ppml);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PPML_HOME"] = cli.Home;
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start ppml.");
    }

    /// <summary>Waits until the child holds <paramref name="files"/> open files under <paramref name="directory"/> that it is writing (unnamed temporaries, or files in a staging directory).</summary>
    private static async Task WaitUntilWritingAsync(Process child, string directory, int files = 1)
    {
        string fds = $"/proc/{child.Id}/fd";
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (child.HasExited)
            {
                Assert.Fail($"ppml exited ({child.ExitCode}) before it was caught writing: {await child.StandardError.ReadToEndAsync(Token)}");
            }

            int writing = SafeList(fds)
                .Select(SafeLink)
                .Count(target => target is not null && target.StartsWith(directory + "/", StringComparison.Ordinal)
                    && (target.EndsWith(" (deleted)", StringComparison.Ordinal) || target.Contains(".tmp-", StringComparison.Ordinal))
                    && !Directory.Exists(target)); // not the lock held on a staging directory
            if (writing >= files)
            {
                return;
            }

            await Task.Delay(5, Token);
        }

        Assert.Fail("ppml was not seen writing its output within 15 s.");
    }

    private static string[] SafeList(string directory)
    {
        try
        {
            return Directory.GetFiles(directory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string? SafeLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string FindPpml()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "src", "Ppml.Cli", "bin", "Release", "net10.0", "ppml.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        string beside = Path.Combine(AppContext.BaseDirectory, "ppml.dll");
        Assert.True(
            File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "ppml.runtimeconfig.json")),
            "The built ppml (src/Ppml.Cli/bin/Release/net10.0/ppml.dll) was not found: build src/Ppml.Cli -c Release first.");
        return beside;
    }
}
