using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Ppml.Core.Diagnostics;

namespace Ppml.Core.Tests.Diagnostics;

/// <summary>
/// <see cref="MemoryFootprint"/> and <see cref="FootprintMonitor"/> see memory files that are never mapped (the way DuckDB
/// reads decrypted data): a 64 MiB memory file written with <c>pwrite</c> raises the footprint by at least 64 MiB, while
/// the resident set alone does not see it.
/// </summary>
public sealed class FootprintMonitorTests
{
    private const int Size = 64 << 20;

    [Fact]
    public void Capture_MemoryFileWrittenNotMapped_CountsItsBytes()
    {
        Ppml.Testing.Require.Service(MemoryFootprint.IsProcAvailable, "Memory files and /proc/self", "Run it on Linux, where CI runs.");
        MemoryFootprint before = MemoryFootprint.Capture();

        using SafeFileHandle file = CreateMemoryFile(Size);
        MemoryFootprint during = MemoryFootprint.Capture();

        Assert.True(during.HasMemoryFiles);
        Assert.True(during.MemoryFileBytes - before.MemoryFileBytes >= Size, $"memory files {before.MemoryFileBytes} -> {during.MemoryFileBytes}");
        Assert.True(during.TotalBytes - before.TotalBytes >= Size - (8 << 20), $"total {before.TotalBytes} -> {during.TotalBytes}");
        // The written buffer is garbage by now; what the resident set does not see is the file's 64 MiB.
        Assert.True(during.ResidentBytes > 0 && during.PeakResidentBytes >= during.ResidentBytes);
    }

    [Fact]
    public void MeasureMemoryFiles_FileOpenedAgainThroughProc_CountedOnce()
    {
        Ppml.Testing.Require.Service(MemoryFootprint.IsProcAvailable, "Memory files and /proc/self", "Run it on Linux, where CI runs.");
        long before = MemoryFootprint.MeasureMemoryFiles();
        using SafeFileHandle file = CreateMemoryFile(Size);

        // As DuckDB reads a memory file: a second descriptor of the same file, opened by path.
        using SafeFileHandle again = File.OpenHandle($"/proc/self/fd/{file.DangerousGetHandle()}", FileMode.Open, FileAccess.Read);
        long counted = MemoryFootprint.MeasureMemoryFiles() - before;

        Assert.InRange(counted, Size, (2L * Size) - 1);
    }

    [Fact]
    public void Capture_MemoryFileClosed_NoLongerCounted()
    {
        Ppml.Testing.Require.Service(MemoryFootprint.IsProcAvailable, "Memory files and /proc/self", "Run it on Linux, where CI runs.");
        long during;
        using (SafeFileHandle file = CreateMemoryFile(Size))
        {
            during = MemoryFootprint.MeasureMemoryFiles();
        }

        long after = MemoryFootprint.MeasureMemoryFiles();

        Assert.True(during - after >= Size, $"memory files {during} while open, {after} after closing");
    }

    [Fact]
    public async Task GetReport_MemoryFileOpenedAndClosedBetweenReports_KeepsItsPeak()
    {
        Ppml.Testing.Require.Service(MemoryFootprint.IsProcAvailable, "Memory files and /proc/self", "Run it on Linux, where CI runs.");
        var monitor = new FootprintMonitor(interval: TimeSpan.FromHours(1));
        await using (monitor)
        {
            FootprintReport first = monitor.GetReport();
            using (SafeFileHandle file = CreateMemoryFile(Size))
            {
                monitor.Sample();
            }

            FootprintReport report = monitor.GetReport();

            Assert.Equal(FootprintReport.SampledMethod, report.Method);
            Assert.Null(report.CgroupPeakBytes);
            Assert.True(report.PeakMemoryFileBytes - first.PeakMemoryFileBytes >= Size, $"{first.PeakMemoryFileBytes} -> {report.PeakMemoryFileBytes}");
            Assert.True(report.PeakBytes - first.PeakBytes >= Size - (8 << 20), $"{first.PeakBytes} -> {report.PeakBytes}");
            Assert.True(report.PeakBytes >= report.PeakResidentBytes);
            Assert.True(report.Samples >= 4, $"{report.Samples} samples");
        }
    }

    [Fact]
    public async Task Constructor_CgroupThisProcessIsNotIn_IsIgnored()
    {
        using var temp = new Ppml.Testing.TempDirectory();
        File.WriteAllText(Path.Combine(temp.Path, "memory.peak"), "123\n");
        File.WriteAllText(Path.Combine(temp.Path, "cgroup.procs"), "1\n");

        await using var monitor = new FootprintMonitor(interval: TimeSpan.FromHours(1), cgroupDirectory: temp.Path);

        Assert.False(monitor.UsesCgroup);
        Assert.NotEqual(FootprintReport.CgroupMethod, monitor.GetReport().Method);
    }

    [Fact]
    public async Task GetReport_CgroupOfThisProcess_ReportsItsMemoryPeak()
    {
        // A directory shaped like a cgroup v2 that lists this process: the monitor trusts whoever made it for this process.
        using var temp = new Ppml.Testing.TempDirectory();
        File.WriteAllText(Path.Combine(temp.Path, "memory.peak"), "987654321\n");
        File.WriteAllText(Path.Combine(temp.Path, "cgroup.procs"), $"{Environment.ProcessId}\n");

        await using var monitor = new FootprintMonitor(interval: TimeSpan.FromHours(1), cgroupDirectory: temp.Path);
        FootprintReport report = monitor.GetReport();

        Assert.True(monitor.UsesCgroup);
        Assert.Equal(FootprintReport.CgroupMethod, report.Method);
        Assert.Equal(987654321, report.PeakBytes);
        Assert.Equal(987654321, report.CgroupPeakBytes);
        Assert.True(report.SampledPeakBytes > 0);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a b")]
    public void TryCreate_NameOutsideOneDirectory_Throws(string name) =>
        Assert.Throws<ArgumentException>(() => MemoryCgroup.TryCreate(name));

    private static SafeFileHandle CreateMemoryFile(int size)
    {
        int descriptor = MemfdCreate("ppml-footprint-test", 1);
        Assert.True(descriptor >= 0, $"memfd_create failed: errno {Marshal.GetLastPInvokeError()}");
        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        byte[] block = new byte[1 << 20];
        Array.Fill(block, (byte)0x5a);
        for (long offset = 0; offset < size; offset += block.Length)
        {
            RandomAccess.Write(handle, block, offset);
        }

        return handle;
    }

    private static int MemfdCreate(string name, uint flags) => MemfdCreate(System.Text.Encoding.UTF8.GetBytes(name + "\0"), flags);

    // The name is passed as NUL-terminated UTF-8 bytes (as Ppml.Data's MemoryFile does): no string marshalling, no unsafe code.
    [DllImport("libc", EntryPoint = "memfd_create", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // LibraryImport generates unsafe code, which test projects do not allow.
    private static extern int MemfdCreate(byte[] name, uint flags);
#pragma warning restore SYSLIB1054

}
