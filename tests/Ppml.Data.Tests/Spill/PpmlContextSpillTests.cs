using System.Diagnostics;
using System.Text;
using DuckDB.NET.Data;
using Ppml.Testing;

namespace Ppml.Data.Tests.Spill;

/// <summary>
/// Encrypted spilling end to end: real queries and loads that outgrow DuckDB's memory limit, the spill directory watched
/// while they run, tampered with between statements, and left behind by a killed process.
/// </summary>
public sealed class PpmlContextSpillTests : IClassFixture<KmsFixture>
{
    private const string Marker = "PLAINMARKER";
    private const string Tail = "-abcdefghijklmnopqrstuvwxyz-0123456789";

    // 8M strings sorted by a window at 150 MB with 2 threads: spills about 2 GB (measured), through several files.
    private const string SortQuery =
        "SELECT count(*) AS n, sum(hash(s) * rn)::VARCHAR AS h FROM (" +
        "SELECT s, row_number() OVER (ORDER BY s DESC) AS rn FROM (" +
        "SELECT '" + Marker + "-' || i::VARCHAR || '" + Tail + "' AS s FROM range(8000000) t(i)))";

    private const string LoadStatement =
        "CREATE TABLE big AS SELECT i, '" + Marker + "-' || i::VARCHAR || '" + Tail + "' AS s FROM range(6000000) t(i)";

    private readonly KmsFixture _fixture;

    public PpmlContextSpillTests(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Query_OutgrowingTheMemoryLimit_SpillsOnlyCiphertext_AndAnswersAsWithoutALimit()
    {
        RequireSpill();
        using var temp = new TempDirectory();
        string expected;
        await using (PpmlContext unlimited = await PpmlContext.OpenAsync(_fixture.Kms, new PpmlContextOptions { Spill = SpillMode.Off, Threads = 2 }, Token))
        {
            expected = Answer(await unlimited.QueryAsync(SortQuery, Token));
        }

        string spillPath;
        ScanReport report;
        await using (PpmlContext context = await OpenSpillingAsync(temp.Combine("spill")))
        {
            Assert.True(context.CanSpill);
            spillPath = context.SpillPath!;
            using var stop = new CancellationTokenSource();
            Task<ScanReport> scanner = Task.Run(() => Scan(spillPath, stop.Token), Token);
            string answer;
            try
            {
                answer = Answer(await context.QueryAsync(SortQuery, Token));
            }
            finally
            {
                await stop.CancelAsync();
            }

            report = await scanner;
            Assert.Equal(expected, answer);
            Assert.True(context.SpilledBytes > 64L << 20, $"only {context.SpilledBytes} bytes spilled");
            TestContext.Current.TestOutputHelper?.WriteLine($"spilled {context.SpilledBytes:N0} bytes; scanner read {report.BytesScanned:N0} bytes in {report.Passes} passes, largest file {report.LargestFile:N0} bytes");
        }

        Assert.True(report.BytesScanned > 0 && report.LargestFile > 0, "the scanner never saw a spill file with content");
        Assert.Empty(report.Hits);
        Assert.False(Directory.Exists(spillPath));
    }

    [Fact]
    public async Task Scanner_OnPlaintextSpill_FindsTheMarker()
    {
        // The control for the test above: the same scanner over DuckDB's own, unencrypted spill (a directory that is not
        // registered, so the hooks pass it through) finds the marker, so "no hits" above means something.
        RequireSpill();
        using var temp = new TempDirectory();
        await using (PpmlContext hooked = await OpenSpillingAsync(temp.Combine("spill")))
        {
            Assert.True(hooked.CanSpill); // the hooks are installed: the plaintext below went through them
        }

        string plain = temp.Combine("plain-spill");
        Directory.CreateDirectory(plain);
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var stop = new CancellationTokenSource();
        Task<ScanReport> scanner = Task.Run(() => Scan(plain, stop.Token), Token);
        try
        {
            foreach (string sql in new[] { $"SET temp_directory = '{plain}'", "SET memory_limit = '150MB'", "SET threads = 2", SortQuery })
            {
                using DuckDBCommand command = connection.CreateCommand();
                command.CommandText = sql;
                using DuckDBDataReader reader = command.ExecuteReader();
                while (reader.Read())
                {
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
        }

        ScanReport report = await scanner;
        Assert.NotEmpty(report.Hits);
    }

    [Fact]
    public async Task Load_LargerThanTheMemoryLimit_SpillsInsteadOfFailing()
    {
        RequireSpill();
        using var temp = new TempDirectory();
        await using (PpmlContext noSpill = await PpmlContext.OpenAsync(
            _fixture.Kms, new PpmlContextOptions { Spill = SpillMode.Off, MemoryLimit = "100MB", Threads = 2 }, Token))
        {
            Assert.False(noSpill.CanSpill);
            DatasetException refused = await Assert.ThrowsAsync<DatasetException>(() => noSpill.QueryAsync(LoadStatement, Token));
            Assert.Contains("Out of Memory", refused.Message, StringComparison.OrdinalIgnoreCase);
        }

        await using PpmlContext context = await OpenSpillingAsync(temp.Combine("spill"), "100MB");
        await context.QueryAsync(LoadStatement, Token);
        QueryResult result = await context.QueryAsync("SELECT count(*), sum(i), count(*) FILTER (WHERE s LIKE '" + Marker + "-%') FROM big", Token);

        Assert.Equal(6_000_000L, result.Rows[0][0]);
        Assert.Equal("17999997000000", Convert.ToString(result.Rows[0][1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(6_000_000L, result.Rows[0][2]);
        Assert.True(context.SpilledBytes > 0, "nothing spilled");
        QueryResult files = await context.QueryAsync("SELECT count(*), sum(size) FROM duckdb_temporary_files()", Token);
        TestContext.Current.TestOutputHelper?.WriteLine($"spilled {context.SpilledBytes:N0} bytes; temporary files now: {files.Rows[0][0]} ({files.Rows[0][1]} bytes)");
    }

    [Fact]
    public async Task Read_AfterSpillFilesWereTampered_FailsTheQuery_NeverReturnsData()
    {
        RequireSpill();
        using var temp = new TempDirectory();
        await using PpmlContext context = await OpenSpillingAsync(temp.Combine("spill"), "100MB");
        await context.QueryAsync(LoadStatement, Token);
        Assert.True(context.SpilledBytes > 0, "nothing spilled");

        // Flip one bit every 4 KiB of every spill file: every spilled block of the table is now damaged.
        int flipped = 0;
        foreach (string file in Directory.EnumerateFiles(context.SpillPath!))
        {
            using FileStream stream = File.Open(file, FileMode.Open, FileAccess.ReadWrite);
            for (long offset = 0; offset < stream.Length; offset += 4096)
            {
                stream.Position = offset;
                int value = stream.ReadByte();
                stream.Position = offset;
                stream.WriteByte((byte)(value ^ 0x10));
                flipped++;
            }
        }

        Assert.True(flipped > 0);
        DatasetException exception = await Assert.ThrowsAsync<DatasetException>(
            () => context.QueryAsync("SELECT sum(hash(s)) FROM big", Token));
        TestContext.Current.TestOutputHelper?.WriteLine($"tampered read: {exception.Message}");
        Assert.Contains("Input/output error", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_WhileItsSpillFilesAreTampered_FailsOrAnswersRight_NeverWrong()
    {
        RequireSpill();
        using var temp = new TempDirectory();
        const string Query =
            "SELECT count(*) AS n, sum(hash(s) * rn)::VARCHAR AS h FROM (SELECT s, row_number() OVER (ORDER BY s DESC) AS rn FROM (" +
            "SELECT '" + Marker + "-' || i::VARCHAR || '" + Tail + "' AS s FROM range(4000000) t(i)))";
        string expected;
        await using (PpmlContext unlimited = await PpmlContext.OpenAsync(_fixture.Kms, new PpmlContextOptions { Spill = SpillMode.Off, Threads = 2 }, Token))
        {
            expected = Answer(await unlimited.QueryAsync(Query, Token));
        }

        await using PpmlContext context = await OpenSpillingAsync(temp.Combine("spill"), "100MB");
        using var stop = new CancellationTokenSource();
        string spillPath = context.SpillPath!;
        Task<long> tamperer = Task.Run(() => FlipWhileRunning(spillPath, stop.Token), Token);
        string? answer = null;
        DatasetException? failure = null;
        try
        {
            answer = Answer(await context.QueryAsync(Query, Token));
        }
        catch (DatasetException exception)
        {
            failure = exception;
        }
        finally
        {
            await stop.CancelAsync();
        }

        long flips = await tamperer;
        TestContext.Current.TestOutputHelper?.WriteLine($"{flips} bits flipped while the query ran; outcome: {failure?.Message ?? "right answer"}");
        Assert.True(flips > 0, "the tamperer never found a spill file");
        if (failure is null)
        {
            Assert.Equal(expected, answer); // every block it read back was one we wrote
        }
        else
        {
            Assert.Contains("Input/output error", failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Open_RemovesSpillDirectoriesOfAKilledProcess_KeepsLiveOnes()
    {
        RequireSpill();
        using var temp = new TempDirectory();
        string root = temp.Combine("spill");
        string abandoned = Path.Combine(root, "ppml-spill-0123abcd");
        string killed = Path.Combine(root, "ppml-spill-89abcdef");
        string notOurs = Path.Combine(root, "ppml-spill-keep");
        foreach (string directory in new[] { abandoned, killed, notOurs })
        {
            Directory.CreateDirectory(directory);
            await File.WriteAllBytesAsync(Path.Combine(directory, "duckdb_temp_storage_DEFAULT-0.tmp"), new byte[4096], Token);
        }

        // A process that holds the lock on one of them (as a live context does), killed with SIGKILL. flock(1) holds the
        // lock itself; -o keeps it from its child, which says when the lock is taken.
        using var holder = Process.Start(new ProcessStartInfo("flock", ["-n", "-o", killed, "sh", "-c", "echo locked; exec sleep 600"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        })!;
        Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync(Token));
        await using PpmlContext live = await OpenSpillingAsync(root);
        Assert.True(Directory.Exists(live.SpillPath));
        Assert.True(Directory.Exists(killed), "a held directory was removed");
        Assert.False(Directory.Exists(abandoned), "the unlocked directory survived");

        holder.Kill(entireProcessTree: true); // SIGKILL
        await holder.WaitForExitAsync(Token);
        await using (PpmlContext next = await OpenSpillingAsync(root))
        {
            Assert.False(Directory.Exists(killed), "the killed process's directory survived");
            Assert.True(Directory.Exists(live.SpillPath), "a live context's directory was removed");
            Assert.True(Directory.Exists(notOurs), "a directory not named by us was removed");
        }
    }

    [Fact]
    public async Task Open_ByDefault_SpillsEncryptedIntoTheTempFolder()
    {
        RequireSpill();
        await using PpmlContext context = await PpmlContext.OpenAsync(_fixture.Kms, cancellationToken: Token);

        Assert.Equal(SpillMode.Auto, context.Options.Spill);
        Assert.True(context.CanSpill);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "ppml-spill"), Path.GetDirectoryName(context.SpillPath));
        QueryResult setting = await context.QueryAsync("SELECT current_setting('temp_directory')", Token);
        Assert.Equal(context.SpillPath, setting.Rows[0][0]);
    }

    [Fact]
    public async Task Dispose_DeletesTheSpillDirectory()
    {
        RequireSpill();
        using var temp = new TempDirectory();
        PpmlContext context = await OpenSpillingAsync(temp.Combine("spill"));
        string path = context.SpillPath!;
        Assert.True(Directory.Exists(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
        await context.DisposeAsync();
        Assert.False(Directory.Exists(path));
    }

    private static void RequireSpill() =>
        Require.Service(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is System.Runtime.InteropServices.Architecture.X64 or System.Runtime.InteropServices.Architecture.Arm64, "Encrypted spilling hooks libduckdb on Linux x64/arm64 only.", "Run it on Linux (x64 or arm64), where CI runs.");

    private Task<PpmlContext> OpenSpillingAsync(string spillRoot, string memoryLimit = "150MB") =>
        PpmlContext.OpenAsync(
            _fixture.Kms,
            new PpmlContextOptions { Spill = SpillMode.Encrypted, SpillDirectory = spillRoot, MemoryLimit = memoryLimit, Threads = 2 },
            Token);

    private static string Answer(QueryResult result) =>
        string.Join("|", result.Rows[0].Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Flips one bit every 4 KiB of every file in <paramref name="directory"/>, over and over, until cancelled.</summary>
    private static long FlipWhileRunning(string directory, CancellationToken stop)
    {
        long flips = 0;
        while (!stop.IsCancellationRequested)
        {
            string[] files = Directory.Exists(directory) ? Directory.GetFiles(directory) : [];
            foreach (string file in files)
            {
                try
                {
                    using FileStream stream = File.Open(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                    for (long offset = 0; offset + 1 < stream.Length; offset += 4096)
                    {
                        stream.Position = offset;
                        int value = stream.ReadByte();
                        stream.Position = offset;
                        stream.WriteByte((byte)(value ^ 0x04));
                        flips++;
                    }
                }
                catch (IOException)
                {
                    // deleted or truncated while we looked
                }
            }
        }

        return flips;
    }

    /// <summary>Reads every file in <paramref name="directory"/> over and over until cancelled, looking for plaintext.</summary>
    private static ScanReport Scan(string directory, CancellationToken stop)
    {
        byte[] marker = Encoding.ASCII.GetBytes(Marker);
        byte[] tail = Encoding.ASCII.GetBytes(Tail);
        var report = new ScanReport();
        while (true)
        {
            bool last = stop.IsCancellationRequested; // one more full pass after the query ends
            report.Passes++;
            string[] files;
            try
            {
                files = Directory.GetFiles(directory);
            }
            catch (DirectoryNotFoundException)
            {
                files = [];
            }

            foreach (string file in files)
            {
                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(file);
                }
                catch (IOException)
                {
                    continue; // deleted while we looked
                }

                report.BytesScanned += bytes.Length;
                report.LargestFile = Math.Max(report.LargestFile, bytes.Length);
                if (bytes.AsSpan().IndexOf(marker) is int at and >= 0)
                {
                    report.Hits.Add($"{Path.GetFileName(file)}@{at}");
                }
                else if (bytes.AsSpan().IndexOf(tail) is int tailAt and >= 0)
                {
                    report.Hits.Add($"{Path.GetFileName(file)}@{tailAt} (tail)");
                }
            }

            if (last)
            {
                return report;
            }
        }
    }

    private sealed class ScanReport
    {
        public List<string> Hits { get; } = [];

        public long BytesScanned { get; set; }

        public long LargestFile { get; set; }

        public int Passes { get; set; }
    }
}
