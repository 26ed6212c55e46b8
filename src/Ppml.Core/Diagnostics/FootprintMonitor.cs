namespace Ppml.Core.Diagnostics;

/// <summary>
/// Samples this process's memory footprint (<see cref="MemoryFootprint"/>: resident set plus memory files) in the
/// background and keeps the peak; with a cgroup of the process's own it also reads that cgroup's <c>memory.peak</c>,
/// which sees every page charged to the process between samples. Peak resident set alone would miss decrypted data:
/// it sits in memory files that DuckDB reads with <c>pread</c>, never mapped.
/// </summary>
/// <example>
/// <code>
/// await using var monitor = new FootprintMonitor();
/// // ... the work ...
/// FootprintReport footprint = monitor.GetReport();
/// </code>
/// </example>
public sealed class FootprintMonitor : IAsyncDisposable, IDisposable
{
    /// <summary>The default time between samples: 50 ms.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly string? _cgroup;
    private long _peakTotal;
    private long _peakResident;
    private long _peakMemoryFiles;
    private int _samples;
    private bool _hasMemoryFiles;
    private bool _disposed;

    /// <summary>Starts sampling now (the first sample is taken before the constructor returns).</summary>
    /// <param name="interval">Time between samples (default <see cref="DefaultInterval"/>).</param>
    /// <param name="cgroupDirectory">
    /// A cgroup v2 directory created for this process alone (for example by a parent that started it there), whose
    /// <c>memory.peak</c> becomes the headline; ignored unless this process is in it. <see langword="null"/> to sample only.
    /// </param>
    /// <param name="timeProvider">The clock of the sampling timer (default: the system clock).</param>
    public FootprintMonitor(TimeSpan? interval = null, string? cgroupDirectory = null, TimeProvider? timeProvider = null)
    {
        TimeSpan period = interval ?? DefaultInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero, nameof(interval));
        _cgroup = cgroupDirectory is not null && MemoryCgroup.ContainsCurrentProcess(cgroupDirectory) && MemoryCgroup.TryReadPeak(cgroupDirectory) is not null
            ? cgroupDirectory
            : null;
        Sample();
        var timer = new PeriodicTimer(period, timeProvider ?? TimeProvider.System);
        _sampling = Task.Run(() => LoopAsync(timer, _stop.Token), CancellationToken.None);
    }

    /// <summary>Whether the headline peak comes from a cgroup's <c>memory.peak</c>.</summary>
    public bool UsesCgroup => _cgroup is not null;

    /// <summary>Takes a sample now and folds it into the peaks.</summary>
    /// <returns>The sample.</returns>
    public MemoryFootprint Sample()
    {
        MemoryFootprint now = MemoryFootprint.Capture();
        lock (_gate)
        {
            _samples++;
            _hasMemoryFiles = now.HasMemoryFiles;
            _peakTotal = Math.Max(_peakTotal, now.TotalBytes);
            _peakResident = Math.Max(_peakResident, now.PeakResidentBytes);
            _peakMemoryFiles = Math.Max(_peakMemoryFiles, now.MemoryFileBytes);
        }

        return now;
    }

    /// <summary>Takes a last sample and reports the peaks so far (sampling goes on until disposed).</summary>
    /// <returns>The peak footprint and how it was measured.</returns>
    public FootprintReport GetReport()
    {
        Sample();
        long? cgroupPeak = _cgroup is null ? null : MemoryCgroup.TryReadPeak(_cgroup);
        lock (_gate)
        {
            long sampled = Math.Max(_peakTotal, _peakResident);
            return cgroupPeak is { } peak
                ? new FootprintReport(peak, FootprintReport.CgroupMethod, _peakTotal, _peakResident, _peakMemoryFiles, peak, _samples)
                : new FootprintReport(sampled, _hasMemoryFiles ? FootprintReport.SampledMethod : FootprintReport.WorkingSetMethod, _peakTotal, _peakResident, _peakMemoryFiles, null, _samples);
        }
    }

    /// <summary>Stops sampling.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        _stop.Dispose();
    }

    /// <summary>Stops sampling and waits for the sampler to finish.</summary>
    /// <returns>A task that completes when the sampler has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _sampling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Dispose();
    }

    private async Task LoopAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        using (timer)
        {
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    Sample();
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed: sampling ends.
            }
        }
    }
}
