using Ppml.Data.Tpch;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml examples tpch</c>: BigDL PPML's TPC-H example in one command. Generates the tables at a small scale factor
/// straight into PPML containers in a private temporary directory, loads them (decrypted in memory only, plain parts
/// refused), runs the queries printing <c>N finished</c>, prints a summary and deletes the directory.
/// </summary>
internal sealed class TpchExampleHandler
{
    public const double DefaultScaleFactor = 0.01;

    private readonly CliContext _context;

    public TpchExampleHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> RunAsync(ExamplesHandler.Common common, double scaleFactor, int parts, string? queries, CancellationToken cancellationToken)
    {
        IReadOnlyList<int> numbers = TpchQuerySelection.Parse(queries, "--queries");
        TpchGenerationOptions generation = TpchGenHandler.CreateOptions(scaleFactor, parts, threads: null);
        await using DataSession session = await DataSession.OpenAsync(_context, common.Kms, common.KeyName, cancellationToken);
        string directory = Directory.CreateTempSubdirectory("ppml-tpch-").FullName;
        try
        {
            (string generated, TpchRunSummary summary) = await RunEncryptedAsync(_context, session, generation, numbers, directory, cancellationToken);
            await _context.Output.WriteLineAsync(generated);
            await _context.Output.WriteLineAsync(summary.Describe());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        return ExitCodes.Success;
    }

    /// <summary>Generates encrypted data under <paramref name="directory"/> and runs <paramref name="queries"/> on it.</summary>
    /// <returns>A line describing the generation, and the run.</returns>
    internal static async Task<(string Generated, TpchRunSummary Summary)> RunEncryptedAsync(
        CliContext cli,
        DataSession session,
        TpchGenerationOptions generation,
        IReadOnlyList<int> queries,
        string directory,
        CancellationToken cancellationToken)
    {
        string data = Path.Combine(directory, "tpch.enc");
        (TpchGenerationResult result, TimeSpan elapsed) = await TpchGenHandler.GenerateAsync(
            cli, generation, data, new TpchEncryption(session.Kms, session.DefaultKey), force: false, cancellationToken);
        string generated = TpchGenHandler.Describe(result, elapsed, session.DefaultKey);
        TpchDataset dataset = TpchDataset.Locate(data);
        TpchRunSummary summary = await TpchRunHandler.ExecuteAsync(
            cli, session.Context, dataset, queries, generation.ScaleFactor, requireEncrypted: true, cancellationToken);
        return (generated, summary);
    }
}
