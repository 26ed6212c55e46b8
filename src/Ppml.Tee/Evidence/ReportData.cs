namespace Ppml.Tee.Evidence;

/// <summary>Report data rules shared by the providers.</summary>
internal static class ReportData
{
    public const int Length = 64;

    public static void Validate(ReadOnlyMemory<byte> reportData)
    {
        if (reportData.Length != Length)
        {
            throw new ArgumentException($"Report data must be exactly {Length} bytes; got {reportData.Length}.", nameof(reportData));
        }
    }
}
