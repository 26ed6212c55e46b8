using System.Globalization;
using Ppml.Data.Tpch;
using Ppml.Workloads.Data;

namespace Ppml.Cli.Handlers;

/// <summary>The TPC-H options of <c>ppml tpch</c>, <c>ppml examples tpch</c> and <c>ppml quickstart</c>, validated with the CLI's messages.</summary>
internal static class TpchSteps
{
    /// <summary>The scale factor of <c>ppml examples tpch</c> and the quickstart.</summary>
    public const double DefaultScaleFactor = TpchWorkload.ExampleScaleFactor;

    /// <summary>Validated generation options (usage errors name the option: --sf, then --parts and --threads).</summary>
    internal static TpchGenerationOptions CreateOptions(double scaleFactor, int parts, int? threads)
    {
        var options = new TpchGenerationOptions { ScaleFactor = scaleFactor, Parts = parts, MaxDegreeOfParallelism = threads ?? Environment.ProcessorCount };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException exception) when (exception.ParamName is string name)
        {
            string message = exception.Message;
            int end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
            throw name == nameof(TpchGenerationOptions.ScaleFactor)
                ? CliException.Usage($"--sf {scaleFactor.ToString(CultureInfo.InvariantCulture)}: {(end < 0 ? message : message[..end])}")
                : CliException.Usage($"{(name == nameof(TpchGenerationOptions.Parts) ? "--parts" : "--threads")} must be at least 1.");
        }

        return options;
    }

    /// <summary>The quickstart's TPC-H step: <see cref="TpchWorkload.RunExampleAsync"/> under <paramref name="directory"/>.</summary>
    /// <returns>A line describing the generation, and the run.</returns>
    internal static async Task<(string Generated, TpchRunSummary Summary)> RunEncryptedAsync(
        CliContext cli, DataSession session, TpchGenerationOptions generation, IReadOnlyList<int> queries, string directory, CancellationToken cancellationToken)
    {
        _ = cli;
        TpchExampleResult result = await TpchWorkload.RunExampleAsync(session.Session, generation, queries, directory, cancellationToken: cancellationToken);
        return (result.Generation.Describe(), result.Run);
    }
}
