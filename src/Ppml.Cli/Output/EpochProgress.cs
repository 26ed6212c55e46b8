using System.Globalization;
using Ppml.Learning.Training;

namespace Ppml.Cli.Output;

/// <summary>A per-epoch batch progress bar on stderr (terminal only), with the running loss.</summary>
internal sealed class EpochProgress : IDisposable
{
    private const int Width = 30;
    private readonly CliContext _context;
    private readonly int _batches;
    private readonly Lock _gate = new();
    private long _lastDraw;
    private int _epoch;

    public EpochProgress(CliContext context, int batches)
    {
        _context = context;
        _batches = Math.Max(batches, 1);
    }

    public void Report(TrainingProgress progress)
    {
        if (!_context.IsErrorInteractive)
        {
            return;
        }

        lock (_gate)
        {
            long now = _context.TimeProvider.GetTimestamp();
            bool last = progress.Batch >= progress.Batches;
            if (!last && progress.Epoch == _epoch && now - _lastDraw < _context.TimeProvider.TimestampFrequency / 10)
            {
                return;
            }

            _lastDraw = now;
            _epoch = progress.Epoch;
            int filled = (int)((long)progress.Batch * Width / Math.Max(progress.Batches, 1));
            _context.Error.Write(string.Create(
                CultureInfo.InvariantCulture,
                $"\repoch {progress.Epoch}/{progress.Epochs} [{new string('#', filled)}{new string('.', Width - filled)}] batch {progress.Batch}/{progress.Batches} loss {progress.Loss:0.0000}   "));
            if (last)
            {
                _context.Error.WriteLine();
            }
        }
    }

    public void Dispose()
    {
    }
}
