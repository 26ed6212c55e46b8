using System.Text;
using Ppml.Testing;

namespace Ppml.Data.Tests.Regressions;

/// <summary>
/// Issue 12, "persist loaded tables encrypted": loaded tables kept as an encrypted DuckDB database that a later session
/// attaches without parsing; built and read in memory files only.
/// </summary>
public sealed class Issue12_SavedTables : IClassFixture<KmsFixture>
{
    private const string Marker = "SAVEDMARKER-QZX";
    private readonly KmsFixture _fixture;

    public Issue12_SavedTables(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SavedTables_AttachInANewSession_AnswerTheSameAndHoldNoPlaintext()
    {
        Require.Service(IO.MemoryFile.IsSupported, "saved tables are built in memory files (Linux)", "Run it on Linux (x64 or arm64), where CI runs.");
        using var temp = new TempDirectory();
        string input = await WriteEncryptedCsvAsync(temp, rows: 50_000);
        string saved = temp.Combine("saved", "tables.duckdb.ppml");
        const string Query = "SELECT count(*), sum(id), max(secret), (SELECT count(*) FROM small) FROM people";
        string expected;
        string[] before = TempEntries();
        await using (PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms))
        {
            await context.RegisterTableAsync("people", input, DatasetFormat.Csv, new DatasetReadOptions { RequireEncrypted = true }, Token);
            await context.QueryAsync("CREATE TABLE small AS SELECT 1 AS x UNION ALL SELECT 2", Token);
            expected = DataFiles.Rows(await context.QueryAsync(Query, Token));
            await Assert.ThrowsAsync<ArgumentException>(() => context.SaveTablesAsync(saved, new SaveTablesOptions { Tables = ["small"] }, Token));

            SavedTables result = await context.SaveTablesAsync(saved, new SaveTablesOptions { Tables = ["people"], Manifest = new Dictionary<string, string> { ["source"] = "v1" } }, Token);

            Assert.Equal(["people"], result.Tables);
            Assert.True(result.DatabaseBytes > 0);
        }

        byte[] file = await File.ReadAllBytesAsync(saved, Token);
        Assert.True(Crypto.Container.PpmlContainer.LooksLikeContainer(file));
        Assert.DoesNotContain(Marker, Encoding.ASCII.GetString(file), StringComparison.Ordinal);
        Assert.Equal(before, TempEntries()); // the private link directory is gone

        await using (PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms))
        {
            await context.QueryAsync("CREATE TABLE small AS SELECT 1 AS x UNION ALL SELECT 2", Token);
            AttachedTables? attached = await context.AttachTablesAsync(saved, new Dictionary<string, string> { ["source"] = "v1" }, Token);

            Assert.NotNull(attached);
            Assert.Equal("people", Assert.Single(attached.Tables).Name);
            Assert.Equal(50_000, attached.Tables[0].Rows);
            Assert.Equal(expected, DataFiles.Rows(await context.QueryAsync(Query, Token)));
        }
    }

    [Fact]
    public async Task StaleManifest_AttachesNothing()
    {
        Require.Service(IO.MemoryFile.IsSupported, "saved tables are built in memory files (Linux)", "Run it on Linux (x64 or arm64), where CI runs.");
        using var temp = new TempDirectory();
        string saved = await SaveAsync(temp, manifest: "v1");
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        AttachedTables? attached = await context.AttachTablesAsync(saved, new Dictionary<string, string> { ["source"] = "v2" }, Token);

        Assert.Null(attached);
        await Assert.ThrowsAsync<DatasetException>(() => context.QueryAsync("SELECT * FROM people", Token));
    }

    [Fact]
    public async Task TamperedSavedTables_AreRefused()
    {
        Require.Service(IO.MemoryFile.IsSupported, "saved tables are built in memory files (Linux)", "Run it on Linux (x64 or arm64), where CI runs.");
        using var temp = new TempDirectory();
        string saved = await SaveAsync(temp, manifest: "v1");
        byte[] bytes = await File.ReadAllBytesAsync(saved, Token);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(saved, bytes, Token);
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        DatasetException failure = await Assert.ThrowsAsync<DatasetException>(() => context.AttachTablesAsync(saved, cancellationToken: Token));

        Assert.Contains("failed authentication", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>This process's private link directories (named with its id, so saves in other test processes do not count).</summary>
    private static string[] TempEntries() =>
        [.. Directory.EnumerateDirectories(Path.GetTempPath(), $"ppml-db-{Environment.ProcessId}-*").Order(StringComparer.Ordinal)];

    private async Task<string> SaveAsync(TempDirectory temp, string manifest)
    {
        string input = await WriteEncryptedCsvAsync(temp, rows: 1000);
        string saved = temp.Combine("tables.duckdb.ppml");
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);
        await context.RegisterTableAsync("people", input, DatasetFormat.Csv, cancellationToken: Token);
        await context.SaveTablesAsync(saved, new SaveTablesOptions { Manifest = new Dictionary<string, string> { ["source"] = manifest } }, Token);
        return saved;
    }

    private async Task<string> WriteEncryptedCsvAsync(TempDirectory temp, int rows)
    {
        var csv = new StringBuilder("id,secret\n");
        for (int i = 0; i < rows; i++)
        {
            csv.Append(i).Append(',').Append(Marker).Append('-').Append(i).Append('\n');
        }

        string plain = DataFiles.Write(temp.Combine("people.csv"), csv.ToString());
        string encrypted = await DataFiles.EncryptAsync(_fixture.Kms, plain);
        File.Delete(plain);
        return encrypted;
    }
}
