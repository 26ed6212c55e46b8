using System.Globalization;

namespace Ppml.Cli.Output;

/// <summary>
/// A byte-count progress bar on stderr, drawn only when stderr is a terminal and the work is large enough to
/// be worth watching; throttled to ten redraws a second. Thread-safe.
/// </summary>
internal sealed class ProgressBar : IProgress<long>, IDisposable
{
    private const int Width = 30;
    private readonly TextWriter _writer;
    private readonly string _label;
    private readonly long _total;
    private readonly TimeProvider _timeProvider;
    private readonly bool _enabled;
    private readonly long _started;
    private readonly Lock _gate = new();
    private long _done;
    private long _lastDraw;

    public ProgressBar(CliContext context, string label, long total, long threshold = 16L << 20)
    {
        _writer = context.Error;
        _label = label;
        _total = Math.Max(total, 1);
        _timeProvider = context.TimeProvider;
        _enabled = context.IsErrorInteractive && total >= threshold;
        _started = _timeProvider.GetTimestamp();
    }

    public void Report(long value)
    {
        if (!_enabled)
        {
            return;
        }

        lock (_gate)
        {
            _done += value;
            long now = _timeProvider.GetTimestamp();
            if (now - _lastDraw < _timeProvider.TimestampFrequency / 10 && _done < _total)
            {
                return;
            }

            _lastDraw = now;
            Draw();
        }
    }

    public void Dispose()
    {
        if (_enabled)
        {
            lock (_gate)
            {
                Draw();
                _writer.WriteLine();
            }
        }
    }

    private void Draw()
    {
        double fraction = Math.Clamp((double)_done / _total, 0, 1);
        int filled = (int)(fraction * Width);
        double seconds = Math.Max(_timeProvider.GetElapsedTime(_started).TotalSeconds, 1e-3);
        string rate = FormatBytes((long)(_done / seconds)) + "/s";
        _writer.Write(string.Create(
            CultureInfo.InvariantCulture,
            $"\r{_label} [{new string('#', filled)}{new string('.', Width - filled)}] {fraction,4:P0} {FormatBytes(_done)}/{FormatBytes(_total)} {rate}   "));
    }

    internal static string FormatBytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }
}
