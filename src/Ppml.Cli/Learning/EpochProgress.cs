using System.Globalization;
using Ppml.Learning.Training;

namespace Ppml.Cli.Learning;

/// <summary>A per-epoch batch progress bar on stderr (terminal only), with the running loss; reports on the calling thread.</summary>
internal sealed class EpochProgress(CliContext context) : IProgress<TrainingProgress>
{
    private const int Width = 30;
    private readonly Lock _gate = new();
    private long _lastDraw;
    private int _epoch;

    public void Report(TrainingProgress progress)
    {
        if (!context.IsErrorInteractive)
        {
            return;
        }

        lock (_gate)
        {
            long now = context.TimeProvider.GetTimestamp();
            bool last = progress.Batch >= progress.Batches;
            if (!last && progress.Epoch == _epoch && now - _lastDraw < context.TimeProvider.TimestampFrequency / 10)
            {
                return;
            }

            (_lastDraw, _epoch) = (now, progress.Epoch);
            int filled = (int)((long)progress.Batch * Width / Math.Max(progress.Batches, 1));
            context.Error.Write(string.Create(
                CultureInfo.InvariantCulture,
                $"\repoch {progress.Epoch}/{progress.Epochs} [{new string('#', filled)}{new string('.', Width - filled)}] batch {progress.Batch}/{progress.Batches} loss {progress.Loss:0.0000}   {(last ? "\n" : "")}"));
        }
    }
}
