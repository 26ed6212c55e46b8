using System.Globalization;
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
        TpchGenerationOptions generation = CreateOptions(options.ScaleFactor, options.Parts, options.Threads);
        string output = _context.ResolvePath(options.Output);
        CheckOutput(output, options.Force);
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
            (TpchGenerationResult result, TimeSpan elapsed) = await GenerateAsync(
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
                await _context.Output.WriteLineAsync(Describe(result, elapsed, keyName) + ": " + output);
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>Validated generation options (usage errors name the option).</summary>
    internal static TpchGenerationOptions CreateOptions(double scaleFactor, int parts, int? threads)
    {
        if (parts < 1)
        {
            throw CliException.Usage("--parts must be at least 1.");
        }

        if (threads is < 1)
        {
            throw CliException.Usage("--threads must be at least 1.");
        }

        var options = new TpchGenerationOptions
        {
            ScaleFactor = scaleFactor,
            Parts = parts,
            MaxDegreeOfParallelism = threads ?? Environment.ProcessorCount,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException exception) when (exception.ParamName == nameof(TpchGenerationOptions.ScaleFactor))
        {
            throw CliException.Usage($"--sf {scaleFactor.ToString(CultureInfo.InvariantCulture)}: {FirstSentence(exception.Message)}");
        }

        return options;
    }

    /// <summary>Fails unless <paramref name="output"/> is absent, empty, or (with --force) a TPC-H directory.</summary>
    internal static void CheckOutput(string output, bool force)
    {
        switch (TpchDatasetWriter.InspectOutput(output, out string? foreign))
        {
            case TpchOutputState.File:
                throw CliException.Usage($"--out '{output}' is a file; give a directory.");
            case TpchOutputState.TpchData or TpchOutputState.OtherData when !force:
                throw CliException.Failure($"Output '{output}' already exists and is not empty; pass --force to replace it.");
            case TpchOutputState.OtherData:
                throw CliException.Failure(
                    $"Output '{output}' holds '{foreign}', which is not a TPC-H table; --force replaces only a TPC-H data directory. Choose another --out.");
        }
    }

    /// <summary>Generates with a progress bar on stderr and returns the result and the wall time.</summary>
    internal static async Task<(TpchGenerationResult Result, TimeSpan Elapsed)> GenerateAsync(
        CliContext context,
        TpchGenerationOptions options,
        string output,
        TpchEncryption? encryption,
        bool force,
        CancellationToken cancellationToken)
    {
        long started = context.TimeProvider.GetTimestamp();
        using var progress = new TpchGenerationProgress(context, options, encryption is not null);
        TpchGenerationResult result = await TpchDatasetWriter.WriteAsync(options, output, encryption, force, progress, cancellationToken);
        return (result, context.TimeProvider.GetElapsedTime(started));
    }

    /// <summary>One line: what was generated, how fast, and whether it is encrypted.</summary>
    internal static string Describe(TpchGenerationResult result, TimeSpan elapsed, string? keyName)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-3);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Generated TPC-H SF {result.ScaleFactor}: {result.Rows.Count} tables, {result.TotalRows:N0} rows, {ProgressBar.FormatBytes(result.TotalBytes)} in {result.Parts.Count} part(s), ")
            + (keyName is null ? "NOT encrypted" : $"encrypted with key '{keyName}'")
            + string.Create(CultureInfo.InvariantCulture, $", in {seconds:0.00} s ({result.TotalRows / seconds / 1e6:0.00} M rows/s, {result.TotalBytes / seconds / 1e6:0.0} MB/s)");
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }
}
