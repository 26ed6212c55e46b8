namespace Ppml.Tee.Evidence;

/// <summary>
/// Report data rules shared by every <see cref="IEvidenceProvider"/>, including providers composed outside this
/// library (the simulated one in Ppml.Workloads).
/// </summary>
public static class ReportData
{
    /// <summary>The length of REPORTDATA in SGX and TDX quotes, in bytes.</summary>
    public const int Length = 64;

    /// <summary>Checks that <paramref name="reportData"/> is exactly <see cref="Length"/> bytes.</summary>
    /// <param name="reportData">The report data a caller asked to bind.</param>
    /// <exception cref="ArgumentException">It is not 64 bytes.</exception>
    public static void Validate(ReadOnlyMemory<byte> reportData)
    {
        if (reportData.Length != Length)
        {
            throw new ArgumentException($"Report data must be exactly {Length} bytes; got {reportData.Length}.", nameof(reportData));
        }
    }
}
