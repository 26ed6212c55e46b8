using System.Globalization;
using System.Text.Json;
using Ppml.Cli.Output;
using Ppml.Data.Tpch;
using Ppml.Kms;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml tpch gen</c>: generates the TPC-H tables as dbgen does (deterministic, parallel parts), plain or streamed
/// straight into PPML containers, with a progress bar on stderr; see <see cref="TpchDirectoryWriter"/> for the layout
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
        TpchDirectoryWriter.CheckOutput(output, options.Force);
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
                _context, generation, output, kms is null ? null : (kms, keyName!), options.Force, cancellationToken);
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

    /// <summary>Generates with a progress bar on stderr and returns the result and the wall time.</summary>
    internal static async Task<(TpchGenerationResult Result, TimeSpan Elapsed)> GenerateAsync(
        CliContext context,
        TpchGenerationOptions options,
        string output,
        (IKeyManagementService Kms, string KeyName)? encryption,
        bool force,
        CancellationToken cancellationToken)
    {
        long started = context.TimeProvider.GetTimestamp();
        using var bar = new ProgressBar(context, encryption is null ? "tpch gen" : "tpch gen (encrypting)", TpchDirectoryWriter.EstimateBytes(options.ScaleFactor, options.Tables));
        var progress = new BytesProgress(bar);
        TpchGenerationResult result = await TpchDirectoryWriter.GenerateAsync(options, output, encryption, force, progress, cancellationToken);
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

    /// <summary>Turns the generator's cumulative byte counts into the increments the progress bar adds up.</summary>
    private sealed class BytesProgress : IProgress<TpchProgress>
    {
        private readonly ProgressBar _bar;
        private readonly Lock _gate = new();
        private long _reported;

        public BytesProgress(ProgressBar bar)
        {
            _bar = bar;
        }

        public void Report(TpchProgress value)
        {
            lock (_gate)
            {
                if (value.BytesGenerated > _reported)
                {
                    _bar.Report(value.BytesGenerated - _reported);
                    _reported = value.BytesGenerated;
                }
            }
        }
    }
}

/// <summary><c>ppml tpch gen --json</c>: what was written; <c>key</c> is set when the parts are encrypted.</summary>
internal sealed record TpchGenReport(
    double ScaleFactor,
    string Output,
    string? Key,
    int Parts,
    long Rows,
    long Bytes,
    double Seconds,
    IReadOnlyDictionary<string, long> TableRows);
