using Ppml.Data.Tpch;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml examples tpch</c>: BigDL PPML's TPC-H example in one command. Generates the tables at a small scale factor
/// straight into PPML containers in a private temporary directory, loads them (decrypted in memory only, plain parts
/// refused), runs the queries printing <c>N finished</c>, prints a summary and deletes the directory.
/// </summary>
internal sealed class TpchExampleHandler
{
    public const double DefaultScaleFactor = TpchSteps.DefaultScaleFactor;

    private readonly CliContext _context;

    public TpchExampleHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> RunAsync(KmsTarget kms, string? keyName, double scaleFactor, int parts, string? queries, CancellationToken cancellationToken)
    {
        IReadOnlyList<int> numbers = TpchQuerySelection.Parse(queries, "--queries");
        TpchGenerationOptions generation = TpchSteps.CreateOptions(scaleFactor, parts, threads: null);
        await using DataSession session = await DataSession.OpenAsync(_context, kms, keyName, cancellationToken);
        string directory = Directory.CreateTempSubdirectory("ppml-tpch-").FullName;
        try
        {
            (string generated, TpchRunSummary summary) = await TpchSteps.RunEncryptedAsync(_context, session, generation, numbers, directory, cancellationToken);
            await _context.Output.WriteLineAsync(generated);
            await _context.Output.WriteLineAsync(summary.Describe());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        return ExitCodes.Success;
    }
}
