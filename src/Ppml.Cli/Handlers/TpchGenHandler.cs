using System.Text.Json;
using Ppml.Cli.Output;
using Ppml.Data.Tpch;
using Ppml.Kms;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml tpch gen</c>: generates the TPC-H tables as dbgen does (deterministic, parallel parts), plain or streamed
/// straight into PPML containers, with a progress bar on stderr; see <see cref="TpchDatasetWriter"/> for the layout
/// and the all-or-nothing commit.
/// </summary>
internal sealed class TpchGenHandler
{
    private readonly CliContext _context;

    public TpchGenHandler(CliContext context)
    {
        _context = context;
    }

    public sealed record Options(
        double ScaleFactor,
        string Output,
        bool Encrypt,
        int Parts,
        int? Threads,
        bool Force,
        KmsTarget Kms,
        string? KeyName,
        bool Json = false);

    public async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        TpchGenerationOptions generation = TpchSteps.CreateOptions(options.ScaleFactor, options.Parts, options.Threads);
        string output = _context.ResolvePath(options.Output);
        TpchSteps.CheckOutput(output, options.Force);
        if (!options.Encrypt && (options.KeyName is not null || options.Kms.KmsUri is not null))
        {
            throw CliException.Usage("--key and --kms need --encrypt.");
        }

        IKeyManagementService? kms = options.Encrypt
            ? await options.Kms.OpenAsync(_context, cancellationToken)
            : null;
        using (kms)
        {
            string? keyName = kms is null ? null : await options.Kms.ResolveKeyNameAsync(_context, options.KeyName, cancellationToken);
            (TpchGenerationResult result, TimeSpan elapsed) = await TpchSteps.GenerateAsync(
                _context, generation, output, kms is null ? null : new TpchEncryption(kms, keyName!), options.Force, cancellationToken);
            if (options.Json)
            {
                var report = new TpchGenReport(
                    result.ScaleFactor,
                    output,
                    keyName,
                    result.Parts.Count,
                    result.TotalRows,
                    result.TotalBytes,
                    elapsed.TotalSeconds,
                    result.Rows.ToDictionary(pair => TpchSchema.GetTableName(pair.Key), pair => pair.Value, StringComparer.Ordinal));
                await _context.Output.WriteLineAsync(JsonSerializer.Serialize(report, CliJsonContext.Default.TpchGenReport));
            }
            else
            {
                await _context.Output.WriteLineAsync(TpchSteps.Describe(result, elapsed, keyName) + ": " + output);
            }
        }

        return ExitCodes.Success;
    }
}
