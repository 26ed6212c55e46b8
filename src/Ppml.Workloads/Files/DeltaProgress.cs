namespace Ppml.Workloads.Files;

/// <summary>Turns one file's running totals into increments for a progress shared by many files.</summary>
internal sealed class DeltaProgress(IProgress<long> inner) : IProgress<long>
{
    private long _last;

    public void Report(long value)
    {
        inner.Report(value - _last);
        _last = value;
    }
}
