namespace Ppml.Core.Diagnostics;

/// <summary>The peak memory footprint a <see cref="FootprintMonitor"/> saw, and how it was measured.</summary>
/// <param name="PeakBytes">
/// The headline peak, in bytes: the cgroup's <c>memory.peak</c> when <see cref="Method"/> is <see cref="CgroupMethod"/>;
/// otherwise the larger of the sampled peak of resident set plus memory files and the kernel's peak resident set.
/// </param>
/// <param name="Method">How <see cref="PeakBytes"/> was measured: <see cref="CgroupMethod"/>, <see cref="SampledMethod"/> or <see cref="WorkingSetMethod"/>.</param>
/// <param name="SampledPeakBytes">The largest resident set plus memory-file bytes of any sample.</param>
/// <param name="PeakResidentBytes">The kernel's peak of the resident set (<c>VmHWM</c>), which memory files read with <c>pread</c> do not raise.</param>
/// <param name="PeakMemoryFileBytes">The most bytes held in memory files in any sample.</param>
/// <param name="CgroupPeakBytes">The cgroup's <c>memory.peak</c> when the process had a cgroup of its own; otherwise <see langword="null"/>.</param>
/// <param name="Samples">How many samples were taken.</param>
public sealed record FootprintReport(long PeakBytes, string Method, long SampledPeakBytes, long PeakResidentBytes, long PeakMemoryFileBytes, long? CgroupPeakBytes, int Samples)
{
    /// <summary>The peak is <c>memory.peak</c> of a cgroup holding this process alone (page cache and memory files included).</summary>
    public const string CgroupMethod = "cgroup";

    /// <summary>The peak is sampled resident set plus memory-file bytes (Linux <c>/proc/self</c>), at least the kernel's peak resident set.</summary>
    public const string SampledMethod = "rss+memfd";

    /// <summary>The peak is the runtime's peak working set (no <c>/proc</c>): memory files are not seen.</summary>
    public const string WorkingSetMethod = "working-set";
}
