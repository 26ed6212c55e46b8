using System.Text.Json;
using Ppml.Cli.Tests.Handlers;

namespace Ppml.Cli.Tests.Regressions;

/// <summary>
/// Issue 12, parts 4 and 5: <c>--memory-limit</c> on <c>ppml sql</c>, <c>tpch run</c> and <c>tpch bench</c> (a bad value is
/// one line naming the option, exit 2), the effective limit and the peak footprint in <c>--json</c>, and a bench that
/// runs each variant in a process of its own.
/// </summary>
public sealed class Issue12_MemoryAndBench : IClassFixture<TpchDataFixture>
{
    private readonly TpchDataFixture _data;

    public Issue12_MemoryAndBench(TpchDataFixture data)
    {
        _data = data;
    }

    [Theory]
    [InlineData("sql|SELECT 1", "4XB")]
    [InlineData("tpch|run|--data|somewhere", "lots")]
    [InlineData("tpch|bench|--sf|0.01", "4")]
    [InlineData("tpch|bench|--sf|0.01", "0.0GB")]
    public async Task MemoryLimit_NotASize_IsOneLineNamingTheOptionExit2(string command, string value)
    {
        using var cli = new CliHarness();

        CliResult result = await cli.RunAsync([.. command.Split('|'), "--memory-limit", value]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            $"ppml: --memory-limit '{value}': not a memory size; give a number and a unit, for example 4GB, 512MB or 3GiB.",
            result.Error.Split('\n')[0].TrimEnd());
        Assert.DoesNotContain("System.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("workspace", result.Error, StringComparison.Ordinal); // refused while parsing
    }

    [Fact]
    public async Task Help_MemoryLimit_TeachesTheDefault()
    {
        using var cli = new CliHarness();

        CliResult result = await cli.RunAsync("tpch", "bench", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--memory-limit", result.Output, StringComparison.Ordinal);
        Assert.Contains("70% of the memory available", result.Output, StringComparison.Ordinal);
        Assert.Contains("plain DuckDB included", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TpchRunJson_MemoryLimit_ReportsEffectiveLimitAndPeakFootprint()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync("tpch", "run", "--data", _data.Encrypted, "--queries", "6", "--json", "--memory-limit", "512MB");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument json = JsonDocument.Parse(result.Output);
        JsonElement root = json.RootElement;
        Assert.InRange(root.GetProperty("memoryLimitBytes").GetInt64(), 509_000_000, 515_000_000);
        JsonElement footprint = root.GetProperty("footprint");
        Assert.Equal("rss+memfd", footprint.GetProperty("method").GetString());
        // The process itself (runtime, DuckDB, the tables) is tens of MiB at least.
        Assert.True(footprint.GetProperty("peakBytes").GetInt64() > 32 << 20, footprint.ToString());
        Assert.True(footprint.GetProperty("peakBytes").GetInt64() >= footprint.GetProperty("peakResidentBytes").GetInt64());
        Assert.Matches(@"ppml: memory limit 48\d\.\d+ MiB; peak footprint [\d.]+ [MG]iB \(rss\+memfd\)", result.Error);
    }

    [Fact]
    public async Task SqlOutJson_DefaultMemoryLimit_IsSeventyPercentOfAvailableMemory()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync("sql", "SELECT 42 AS answer", "--out", "answer.csv", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument json = JsonDocument.Parse(result.Output);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Assert.InRange(json.RootElement.GetProperty("memoryLimitBytes").GetInt64(), available * 0.695, available * 0.705);
        Assert.True(json.RootElement.GetProperty("footprint").GetProperty("peakBytes").GetInt64() > 0);
    }

    [Fact]
    public async Task BenchJson_TinyScale_EachVariantRunsInItsOwnProcessWithItsFootprint()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync(
            "tpch", "bench", "--sf", "0.01", "--repeat", "2", "--queries", "1,6,13", "--work", "work", "--memory-limit", "1GB", "--json", "--report", "bench.md", "--note", "commit test");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument json = JsonDocument.Parse(result.Output);
        JsonElement root = json.RootElement;
        Assert.Equal([1, 6, 13], root.GetProperty("queries").EnumerateArray().Select(q => q.GetInt32()));
        Assert.Equal("commit test", root.GetProperty("note").GetString());
        Assert.Equal("rss+memfd", root.GetProperty("footprintMethod").GetString());
        Assert.InRange(root.GetProperty("memoryLimitBytes").GetInt64(), 995_000_000, 1_005_000_000);
        foreach (string ratio in (string[])["totalRatio", "cpuRatio", "footprintRatio"])
        {
            Assert.True(root.GetProperty(ratio).GetDouble() > 0, ratio);
        }

        var processes = new List<int>();
        Assert.Equal(["plain", "encrypted", "plain-context"], root.GetProperty("variants").EnumerateArray().Select(v => v.GetProperty("variant").GetString()));
        foreach (JsonElement variant in root.GetProperty("variants").EnumerateArray())
        {
            Assert.True(variant.GetProperty("peakBytes").GetDouble() > 32 << 20, variant.GetProperty("variant").GetString());
            Assert.Equal(3, variant.GetProperty("queries").GetArrayLength());
            JsonElement[] runs = [.. variant.GetProperty("runs").EnumerateArray()];
            Assert.Equal(2, runs.Length);
            foreach (JsonElement run in runs)
            {
                processes.Add(run.GetProperty("processId").GetInt32());
                Assert.InRange(run.GetProperty("memoryLimitBytes").GetInt64(), 995_000_000, 1_005_000_000); // plain DuckDB too
                Assert.True(run.GetProperty("footprint").GetProperty("peakBytes").GetInt64() > 32 << 20);
                Assert.True(run.GetProperty("footprint").GetProperty("samples").GetInt32() > 0);
            }
        }

        // Six runs, six processes, none of them this one.
        Assert.Equal(6, processes.Distinct().Count());
        Assert.DoesNotContain(Environment.ProcessId, processes);
        string report = File.ReadAllText(cli.Temp.Combine("bench.md"));
        Assert.Contains("commit test", report, StringComparison.Ordinal);
        Assert.Contains("| **peak footprint (MiB)** |", report, StringComparison.Ordinal);
        Assert.All(processes, p => Assert.Contains($" | {p} | ", report, StringComparison.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries(cli.Temp.Combine("work")));
    }

    [Fact]
    public async Task BenchVariant_Hidden_NotInHelp()
    {
        using var cli = new CliHarness();

        CliResult result = await cli.RunAsync("tpch", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("bench", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("bench-variant", result.Output, StringComparison.Ordinal);
    }
}
