using Ppml.Cli.Output;
using Ppml.Data.Tpch;

namespace Ppml.Cli.Handlers;

/// <summary>A progress bar on stderr for one TPC-H generation: turns the generator's cumulative byte counts into the increments the bar adds up.</summary>
internal sealed class TpchGenerationProgress : IProgress<TpchProgress>, IDisposable
{
    private readonly ProgressBar _bar;
    private readonly Lock _gate = new();
    private long _reported;

    public TpchGenerationProgress(CliContext context, TpchGenerationOptions options, bool encrypted)
    {
        _bar = new ProgressBar(context, encrypted ? "tpch gen (encrypting)" : "tpch gen", TpchDatasetWriter.EstimateBytes(options.ScaleFactor, options.Tables));
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

    public void Dispose() => _bar.Dispose();
}
