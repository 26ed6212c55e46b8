using Ppml.Data.Tpch;
using Ppml.Testing;

namespace Ppml.Cli.Tests.Handlers;

/// <summary>
/// One workspace and one SF 0.01 dataset per test class, made through the CLI: <c>plain/</c> (dbgen files),
/// <c>encrypted/</c> (<c>--encrypt --parts 3</c>), and the reference answers of all 22 queries computed by DuckDB reading
/// the plaintext files directly (<see cref="TpchPlainBaseline"/>), without PpmlContext. Tests copy what they change.
/// </summary>
public sealed class TpchDataFixture : IAsyncLifetime
{
    public const double ScaleFactor = 0.01;

    private readonly TempDirectory _temp = new();

    public string Home => _temp.Combine(".ppml");

    public string Plain => _temp.Combine("plain");

    public string Encrypted => _temp.Combine("encrypted");

    internal IReadOnlyList<TpchQueryResult> Reference { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        await RunAsync("init", "--home", Home);
        await RunAsync("tpch", "gen", "--sf", "0.01", "--out", Plain, "--home", Home);
        await RunAsync("tpch", "gen", "--sf", "0.01", "--out", Encrypted, "--encrypt", "--parts", "3", "--home", Home);
        TpchBaselineResult baseline = await TpchPlainBaseline.RunAsync(Plain, scaleFactor: ScaleFactor);
        Reference = baseline.Queries;
    }

    /// <summary>A harness whose workspace is a copy of this fixture's.</summary>
    internal CliHarness NewHarness()
    {
        var harness = new CliHarness();
        foreach (string file in Directory.EnumerateFiles(Home, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(harness.Home, Path.GetRelativePath(Home, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return harness;
    }

    /// <summary>What <c>tpch run --out</c> must write for <paramref name="query"/>: the reference answer as qNN.csv.</summary>
    internal async Task<string> ExpectedCsvAsync(int query)
    {
        using var buffer = new MemoryStream();
        await TpchResultWriter.WriteCsvAsync(Reference[query - 1], buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void CopyDirectory(string source, string destination)
    {
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task RunAsync(params string[] args)
    {
        var error = new StringWriter();
        var context = new CliContext { Output = TextWriter.Null, Error = error, WorkingDirectory = _temp.Path, GetEnvironmentVariable = _ => null };
        int exit = await PpmlCommand.RunAsync(args, context);
        Assert.True(exit == 0, $"ppml {string.Join(' ', args)} failed: {error}");
    }
}
