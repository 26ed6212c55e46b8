using System.Text;
using Ppml.Crypto.Container;
using Ppml.Testing;

namespace Ppml.Data.Tests;

public sealed class ParquetAndWriteTests : IClassFixture<KmsFixture>
{
    private const string Marker = "PLAINTEXT-MARKER-7f3a";
    private readonly KmsFixture _fixture;

    public ParquetAndWriteTests(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string> Transports => ["memfd", "appender"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private const string Source =
        "SELECT range::BIGINT AS id, '" + Marker + "-' || range AS secret, (range * 0.5)::DOUBLE AS score, (range / 100)::DECIMAL(15,2) AS price, " +
        "DATE '2024-01-01' + range::INTEGER AS day, range % 2 = 0 AS even, CASE WHEN range % 10 = 0 THEN NULL ELSE range::INTEGER END AS maybe FROM range(5000)";

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Parquet_ModularEncryption_RoundTrip_EqualsPlain(string transport)
    {
        using var temp = new TempDirectory();
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms, transport);
        await context.WriteAsync(Source, temp.Combine("plain.parquet"), DatasetFormat.Parquet, new DatasetWriteOptions { Encrypt = false }, Token);
        WriteResult encrypted = await context.WriteAsync(Source, temp.Combine("enc.parquet"), DatasetFormat.Parquet, cancellationToken: Token);

        await context.RegisterTableAsync("p", temp.Combine("plain.parquet"), DatasetFormat.Parquet, cancellationToken: Token);
        TableInfo info = await context.RegisterTableAsync("e", encrypted.Path, DatasetFormat.Parquet, new DatasetReadOptions { RequireEncrypted = true }, Token);
        QueryResult expected = await context.QueryAsync(Source + " ORDER BY id", Token);
        QueryResult a = await context.QueryAsync("SELECT * FROM p ORDER BY id", Token);
        QueryResult b = await context.QueryAsync("SELECT * FROM e ORDER BY id", Token);

        Assert.Equal(1, info.EncryptedParts);
        Assert.Equal(DataFiles.Rows(expected), DataFiles.Rows(a));
        Assert.Equal(DataFiles.Rows(expected), DataFiles.Rows(b));
        Assert.Equal(DataFiles.Types(a), DataFiles.Types(b));
    }

    [Fact]
    public async Task Parquet_ModularEncryption_FooterAndColumnsAreEncrypted()
    {
        using var temp = new TempDirectory();
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);
        await context.WriteAsync(Source, temp.Combine("plain.parquet"), DatasetFormat.Parquet, new DatasetWriteOptions { Encrypt = false }, Token);
        await context.WriteAsync(Source, temp.Combine("enc.parquet"), DatasetFormat.Parquet, cancellationToken: Token);

        byte[] plain = await File.ReadAllBytesAsync(temp.Combine("plain.parquet"), Token);
        byte[] encrypted = await File.ReadAllBytesAsync(temp.Combine("enc.parquet"), Token);

        // The plain file shows its column names and values; the encrypted one shows neither, and ends with "PARE".
        Assert.True(Contains(plain, Marker) && Contains(plain, "secret"));
        Assert.False(Contains(encrypted, Marker));
        Assert.False(Contains(encrypted, "secret"));
        Assert.False(Contains(encrypted, "price"));
        Assert.Equal("PARE", Encoding.ASCII.GetString(encrypted.AsSpan(encrypted.Length - 4)));
        Assert.True(Contains(encrypted, "PKMT1"));
    }

    [Fact]
    public async Task Parquet_ModularEncryption_KeyMaterialIsKmsWrapped()
    {
        using var temp = new TempDirectory();
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);
        await context.WriteAsync("SELECT 1 AS a, 'x' AS b", temp.Combine("enc.parquet"), DatasetFormat.Parquet, new DatasetWriteOptions { KeyName = "other" }, Token);

        string text = Encoding.ASCII.GetString(await File.ReadAllBytesAsync(temp.Combine("enc.parquet"), Token));
        int start = text.IndexOf("{\"keyMaterialType\"", StringComparison.Ordinal);
        int end = text.IndexOf('}', start);
        Parquet.ParquetKeyMaterial? material = Parquet.ParquetKeyMaterial.TryParse(text[start..(end + 1)]);

        Assert.NotNull(material);
        Assert.Equal("other", material.KeyName);
        byte[] key = await _fixture.Kms.UnwrapDataKeyAsync(material.KeyName, material.KeyVersion, material.WrappedKey, Token);
        Assert.Equal(32, key.Length);
    }

    [Fact]
    public async Task Parquet_TamperedEncryptedFile_FailsNamingPart()
    {
        using var temp = new TempDirectory();
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);
        await context.WriteAsync(Source, temp.Combine("enc.parquet"), DatasetFormat.Parquet, cancellationToken: Token);
        byte[] bytes = await File.ReadAllBytesAsync(temp.Combine("enc.parquet"), Token);
        bytes[200] ^= 0x40;
        await File.WriteAllBytesAsync(temp.Combine("enc.parquet"), bytes, Token);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTableAsync("e", temp.Combine("enc.parquet"), DatasetFormat.Parquet, cancellationToken: Token));

        Assert.Contains("enc.parquet", error.Message, StringComparison.Ordinal);
        Assert.Empty(context.Tables);
    }

    [Theory]
    [InlineData(DatasetFormat.Csv)]
    [InlineData(DatasetFormat.Json)]
    public async Task Write_Encrypted_IsContainerAndReadsBack(DatasetFormat format)
    {
        using var temp = new TempDirectory();
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);
        string path = temp.Combine("out" + (format == DatasetFormat.Csv ? ".csv" : ".json") + ".ppml");
        WriteResult result = await context.WriteAsync(Source, path, format, cancellationToken: Token);

        byte[] bytes = await File.ReadAllBytesAsync(path, Token);
        Assert.True(PpmlContainer.LooksLikeContainer(bytes));
        Assert.False(Contains(bytes, Marker));
        Assert.Equal(5000, result.Rows);

        await context.RegisterTableAsync("back", path, format, cancellationToken: Token);
        // Text formats carry no types: the DECIMAL column comes back as DOUBLE, so compare it as DOUBLE.
        const string Columns = "id, secret, score, price::DOUBLE AS price, day, even, maybe";
        QueryResult expected = await context.QueryAsync($"SELECT {Columns} FROM ({Source}) ORDER BY id", Token);
        QueryResult actual = await context.QueryAsync($"SELECT {Columns} FROM back ORDER BY id", Token);
        Assert.Equal(DataFiles.Rows(expected), DataFiles.Rows(actual));
    }

    [Fact]
    public async Task Write_DirectoryOfParts_ReadsBackAsDataset()
    {
        using var temp = new TempDirectory();
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);
        WriteResult result = await context.WriteAsync(Source, temp.Combine("out"), DatasetFormat.Csv, new DatasetWriteOptions { RowsPerPart = 1200 }, Token);

        Assert.Equal(5, result.Files.Count);
        Assert.Equal(["part-00000.csv.ppml", "part-00001.csv.ppml", "part-00002.csv.ppml", "part-00003.csv.ppml", "part-00004.csv.ppml"], Directory.GetFiles(temp.Combine("out")).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray());
        Assert.Single(Directory.GetFileSystemEntries(temp.Path));

        TableInfo info = await context.RegisterTableAsync("back", temp.Combine("out"), DatasetFormat.Csv, cancellationToken: Token);
        Assert.Equal(5000, info.Rows);
        Assert.Equal(5, info.EncryptedParts);
    }

    [Fact]
    public async Task Write_FailingQuery_LeavesNothing()
    {
        using var temp = new TempDirectory();
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        await Assert.ThrowsAsync<DatasetException>(() => context.WriteAsync("SELECT CAST('x' || range AS INTEGER) AS v FROM range(100000)", temp.Combine("out.csv"), DatasetFormat.Csv, cancellationToken: Token));
        await Assert.ThrowsAsync<DatasetException>(() => context.WriteAsync("SELECT CAST('x' || range AS INTEGER) AS v FROM range(100000)", temp.Combine("dir"), DatasetFormat.Csv, new DatasetWriteOptions { RowsPerPart = 10 }, Token));

        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task Write_ExistingOutput_RefusedWithoutOverwrite()
    {
        using var temp = new TempDirectory();
        string path = DataFiles.Write(temp.Combine("out.csv"), "keep");
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        await Assert.ThrowsAsync<DatasetException>(() => context.WriteAsync("SELECT 1", path, DatasetFormat.Csv, cancellationToken: Token));

        Assert.Equal("keep", await File.ReadAllTextAsync(path, Token));
    }

    internal static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}
