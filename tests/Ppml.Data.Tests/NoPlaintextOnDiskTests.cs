using System.Text;
using Ppml.Testing;

namespace Ppml.Data.Tests;

/// <summary>
/// Runs a whole encrypted job (register encrypted CSV/JSON/text/Parquet, query with a large sort and join, write
/// every format encrypted) and then scans every file the run could have created — the job's directory, the
/// process's working directory (DuckDB's default spill directory is ./.tmp) and the temp folder — for the markers.
/// </summary>
public sealed class NoPlaintextOnDiskTests : IClassFixture<KmsFixture>
{
    private const string Marker = "NOPLAINTEXT-ZQX";
    private readonly KmsFixture _fixture;

    public NoPlaintextOnDiskTests(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EncryptedJob_LeavesNoPlaintextMarkerInAnyFileItCreated()
    {
        using var temp = new TempDirectory();
        DateTime started = new FileInfo(DataFiles.Write(temp.Combine("started"), "t")).LastWriteTimeUtc.AddSeconds(-1);
        var csv = new StringBuilder("id,secret\n");
        var json = new StringBuilder();
        var text = new StringBuilder();
        for (int i = 0; i < 20000; i++)
        {
            csv.Append(i).Append(',').Append(Marker).Append('-').Append(i).Append('\n');
            json.Append("{\"id\":").Append(i).Append(",\"secret\":\"").Append(Marker).Append("\"}\n");
            text.Append(Marker).Append(' ').Append(i).Append('\n');
        }

        string plainDirectory = temp.Combine("plain");
        string encCsv = await EncryptAndDeleteAsync(temp.Combine("plain", "a.csv"), csv.ToString(), temp.Combine("job", "a.csv.ppml"));
        string encJson = await EncryptAndDeleteAsync(temp.Combine("plain", "a.json"), json.ToString(), temp.Combine("job", "a.json.ppml"));
        string encText = await EncryptAndDeleteAsync(temp.Combine("plain", "a.txt"), text.ToString(), temp.Combine("job", "a.txt.ppml"));
        Directory.Delete(plainDirectory);

        await using (PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms))
        {
            await context.RegisterTableAsync("c", encCsv, DatasetFormat.Csv, new DatasetReadOptions { RequireEncrypted = true }, Token);
            await context.RegisterTableAsync("j", encJson, DatasetFormat.Json, new DatasetReadOptions { RequireEncrypted = true }, Token);
            await context.RegisterTableAsync("t", encText, DatasetFormat.Text, new DatasetReadOptions { RequireEncrypted = true }, Token);
            await context.WriteAsync("SELECT c.id, c.secret, j.secret AS s2 FROM c JOIN j USING (id) ORDER BY c.secret DESC", temp.Combine("job", "out.parquet"), DatasetFormat.Parquet, cancellationToken: Token);
            await context.RegisterTableAsync("p", temp.Combine("job", "out.parquet"), DatasetFormat.Parquet, new DatasetReadOptions { RequireEncrypted = true }, Token);
            await context.WriteAsync("SELECT * FROM p", temp.Combine("job", "out.csv.ppml"), DatasetFormat.Csv, cancellationToken: Token);
            await context.WriteAsync("SELECT * FROM t", temp.Combine("job", "parts"), DatasetFormat.Json, new DatasetWriteOptions { RowsPerPart = 5000 }, Token);
            QueryResult count = await context.QueryAsync("SELECT count(*) FROM p WHERE secret LIKE '" + Marker + "%'", Token);
            Assert.Equal(20000L, count.Rows[0][0]);
        }

        var scanned = new List<string>();
        foreach (string root in new[] { temp.Path, Environment.CurrentDirectory, Path.GetTempPath() }.Distinct())
        {
            foreach (string file in EnumerateFilesSafely(root))
            {
                var info = new FileInfo(file);
                if (info.LastWriteTimeUtc < started || info.Length == 0 || info.Length > (64 << 20))
                {
                    continue;
                }

                byte[] bytes;
                try
                {
                    bytes = await File.ReadAllBytesAsync(file, Token);
                }
                catch (IOException)
                {
                    continue;
                }
                catch (UnauthorizedAccessException)
                {
                    continue;
                }

                scanned.Add(file);
                Assert.False(ParquetAndWriteTests.Contains(bytes, Marker), $"'{file}' contains the plaintext marker.");
            }
        }

        Assert.Contains(scanned, f => f.EndsWith("out.parquet", StringComparison.Ordinal));
        Assert.Contains(scanned, f => f.EndsWith("part-00003.json.ppml", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(Environment.CurrentDirectory, ".tmp")), "DuckDB created a spill directory.");
    }

    [Fact]
    public async Task QueryOutgrowingMemoryLimit_WithSpillingOff_FailsInsteadOfSpilling()
    {
        string spill = Path.Combine(Environment.CurrentDirectory, ".tmp");
        bool spillExisted = Directory.Exists(spill);
        await using PpmlContext context = await PpmlContext.OpenAsync(_fixture.Kms, new PpmlContextOptions { MemoryLimit = "64MB", Threads = 1, Spill = SpillMode.Off }, Token);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() =>
            context.QueryAsync("SELECT range AS id, '" + Marker + "-' || range AS secret FROM range(5000000) ORDER BY secret DESC LIMIT 1 OFFSET 4999998", Token));
        QueryResult small = await context.QueryAsync("SELECT count(*) FROM range(1000)", Token);

        Assert.StartsWith("The query failed: Out of Memory Error: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(raise the memory limit, turn on encrypted spilling where it is off (PpmlContextOptions.Spill), or make the query need less memory)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, context.SpilledBytes);
        Assert.Equal(spillExisted, Directory.Exists(spill));
        Assert.Equal(1000L, small.Rows[0][0]);
    }

    private async Task<string> EncryptAndDeleteAsync(string plainPath, string content, string target)
    {
        DataFiles.Write(plainPath, content);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await DataFiles.EncryptAsync(_fixture.Kms, plainPath, target);
        File.Delete(plainPath);
        return target;
    }

    private static IEnumerable<string> EnumerateFilesSafely(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        return Directory.Exists(root) ? Directory.EnumerateFiles(root, "*", options) : [];
    }
}
