using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Ppml.Testing;

namespace Ppml.Cli.Tests.Regressions;

/// <summary>
/// Issue 11, item 1: <c>ppml</c> installs as a .NET tool. <c>dotnet pack src/Ppml.Cli</c> writes a pointer package and a
/// RID-specific package that carries only this platform's natives (and the samples the quickstart runs); <c>dotnet tool
/// install</c> from that local folder gives a <c>ppml</c> whose quickstart passes every step from its installed directory;
/// <c>dotnet tool uninstall</c> removes it. Slow (pack, install, the whole tour): a few minutes.
/// </summary>
[Collection(PackingTests.Name)]
public sealed class Issue11_ToolInstall
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Pack_InstallFromLocalFolder_QuickstartPasses_Uninstall()
    {
        using var temp = new TempDirectory();
        string rid = RuntimeInformation.RuntimeIdentifier;
        string feed = temp.Combine("feed");
        string tools = temp.Combine("tools");

        // Only this machine's RID (the project packs four); everything else as the README's command does.
        await DotnetAsync(temp, isolatedCache: false, "pack", Path.Combine(SharedData.RepositoryRoot, "src", "Ppml.Cli"), "-c", "Release", "-o", feed, "-p:ToolPackageRuntimeIdentifiers=" + rid, "-nologo");

        string pointer = Assert.Single(Directory.GetFiles(feed, "Ppml.Cli.0*.nupkg"));
        string platform = Assert.Single(Directory.GetFiles(feed, $"Ppml.Cli.{rid}.*.nupkg"));
        Assert.True(new FileInfo(pointer).Length < 100_000, $"the pointer package is {new FileInfo(pointer).Length} bytes");
        using (ZipArchive package = ZipFile.OpenRead(platform))
        {
            string[] entries = [.. package.Entries.Select(entry => entry.FullName)];
            foreach (string sample in new[] { "Hello.dll", "Dot.dll", "SqlJob.dll" })
            {
                Assert.Contains(entries, entry => entry.EndsWith("/" + sample, StringComparison.Ordinal));
            }

            // One platform's natives, flattened beside ppml.dll: no runtimes/<other-rid>/ folders.
            Assert.DoesNotContain(entries, entry => entry.Contains("/runtimes/", StringComparison.Ordinal));
        }

        // The local folder only, and an empty package cache, so nothing stale (or from nuget.org) is installed.
        File.WriteAllText(temp.Combine("nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="ppml-local" value="{feed}" /></packageSources></configuration>
            """);
        await DotnetAsync(temp, isolatedCache: true, "tool", "install", "Ppml.Cli", "--tool-path", tools, "--configfile", temp.Combine("nuget.config"));

        string ppml = Path.Combine(tools, OperatingSystem.IsWindows() ? "ppml.exe" : "ppml");
        Result quickstart = await RunAsync(temp, isolatedCache: true, ppml, "quickstart");
        Assert.True(quickstart.ExitCode == 0, quickstart.ToString());
        Assert.Contains("Quickstart passed", quickstart.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", quickstart.Output, StringComparison.Ordinal);

        await DotnetAsync(temp, isolatedCache: true, "tool", "uninstall", "Ppml.Cli", "--tool-path", tools);
        Assert.False(File.Exists(ppml), "ppml is still installed after uninstall");
    }

    private sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
    }

    private static async Task DotnetAsync(TempDirectory temp, bool isolatedCache, params string[] arguments)
    {
        Result result = await RunAsync(temp, isolatedCache, "dotnet", arguments);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)}: {result}");
    }

    /// <summary>
    /// Runs a program with a generous deadline (pack builds ppml). <paramref name="isolatedCache"/>: with this test's own
    /// NuGet package cache (install), not the machine's (pack restores from it).
    /// </summary>
    private static async Task<Result> RunAsync(TempDirectory temp, bool isolatedCache, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = temp.Path,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (isolatedCache)
        {
            start.Environment["NUGET_PACKAGES"] = temp.Combine("nuget-packages");
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        Task<string> output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        Task<string> error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, await output, await error);
    }
}

/// <summary>
/// The tests that run <c>dotnet pack</c> on src/ (Issue10_Samples, Issue11_ToolInstall) run one after the other: two builds
/// of the same projects at once would write the same obj/ and bin/ folders.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PackingTests
{
    public const string Name = "dotnet pack of src/";
}
