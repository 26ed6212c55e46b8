using Ppml.Testing;

namespace Ppml.Data.Tests;

public sealed class BadInputTests : IClassFixture<KmsFixture>
{
    private readonly KmsFixture _fixture;

    public BadInputTests(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string> Transports => ["memfd", "appender"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Csv_RowWithExtraField_NamesPartAndLine_NoData(string transport)
    {
        using var temp = new TempDirectory();
        string plain = DataFiles.Write(temp.Combine("bad.csv"), "a,b\n1,x\n2,y\n3,SECRETVALUE,9\n4,z\n");
        string encrypted = await DataFiles.EncryptAsync(_fixture.Kms, plain);
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms, transport);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTableAsync("t", encrypted, DatasetFormat.Csv, cancellationToken: Token));

        Assert.Contains("bad.csv.ppml", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, error.Line);
        Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETVALUE", error.Message, StringComparison.Ordinal);
        Assert.Empty(context.Tables);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Csv_WrongSchemaType_NamesPartLineAndColumn_NoData(string transport)
    {
        using var temp = new TempDirectory();
        string plain = DataFiles.Write(temp.Combine("typed.csv"), "a,b\n1,x\n2,y\nSECRETVALUE,z\n");
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms, transport);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTableAsync(
            "t", plain, DatasetFormat.Csv, new DatasetReadOptions { Schema = [new("a", "BIGINT"), new("b", "VARCHAR")] }, Token));

        Assert.Contains("typed.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETVALUE", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Csv_SchemaWithFewerColumns_IsError(string transport)
    {
        using var temp = new TempDirectory();
        string plain = DataFiles.Write(temp.Combine("wide.csv"), "a,b,c\n1,2,3\n");
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms, transport);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTableAsync(
            "t", plain, DatasetFormat.Csv, new DatasetReadOptions { Schema = [new("a", "BIGINT"), new("b", "BIGINT")] }, Token));

        Assert.Contains("wide.csv", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Json_Malformed_NamesPartAndLine(string transport)
    {
        using var temp = new TempDirectory();
        string plain = DataFiles.Write(temp.Combine("bad.json"), "{\"a\":1}\n{\"a\":2}\n{\"a\":SECRETVALUE}\n");
        string encrypted = await DataFiles.EncryptAsync(_fixture.Kms, plain);
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms, transport);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTableAsync("t", encrypted, DatasetFormat.Json, cancellationToken: Token));

        Assert.Contains("bad.json.ppml", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETVALUE", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MissingPartFromDirectory_TamperedPart_FailsNamingIt_NoTable(string transport)
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("enc"));
        for (int i = 0; i < 3; i++)
        {
            string part = DataFiles.Write(temp.Combine("plain", $"part-{i}.csv"), $"a\n{new string((char)('a' + i), 9000)}\n");
            await DataFiles.EncryptAsync(_fixture.Kms, part, temp.Combine("enc", $"part-{i}.csv.ppml"));
        }

        string victim = temp.Combine("enc", "part-1.csv.ppml");
        byte[] bytes = await File.ReadAllBytesAsync(victim, Token);
        bytes[^3] ^= 1;
        await File.WriteAllBytesAsync(victim, bytes, Token);
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms, transport);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTableAsync("t", temp.Combine("enc"), DatasetFormat.Csv, cancellationToken: Token));

        Assert.Contains("part-1.csv.ppml", error.Message, StringComparison.Ordinal);
        Assert.Contains("authentication", error.Message, StringComparison.Ordinal);
        Assert.Empty(context.Tables);
        await Assert.ThrowsAsync<DatasetException>(() => context.QueryAsync("SELECT * FROM t", Token));
    }

    [Fact]
    public async Task MissingDataset_IsDatasetException()
    {
        using var temp = new TempDirectory();
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTableAsync("t", temp.Combine("nope"), DatasetFormat.Csv, cancellationToken: Token));

        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WronglyKeyedPart_FromAnotherKms_FailsNamingPart()
    {
        using var temp = new TempDirectory();
        using Kms.File.FileKeyManagementService other = await Kms.File.FileKeyManagementService.CreateAsync(temp.Combine("other-kms"), "another-password", cancellationToken: Token);
        await other.CreateKeyAsync("primary", Token);
        string plain = DataFiles.Write(temp.Combine("d.csv"), "a\n1\n");
        string encrypted = await DataFiles.EncryptAsync(other, plain);
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTableAsync("t", encrypted, DatasetFormat.Csv, cancellationToken: Token));

        Assert.Contains("d.csv.ppml", error.Message, StringComparison.Ordinal);
        Assert.Contains("KMS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainPart_WhenEncryptionRequired_IsRefused()
    {
        using var temp = new TempDirectory();
        string plain = DataFiles.Write(temp.Combine("d.csv"), "a\n1\n");
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTableAsync("t", plain, DatasetFormat.Csv, new DatasetReadOptions { RequireEncrypted = true }, Token));

        Assert.Contains("d.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("not encrypted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainFileNamedPpml_IsRefused()
    {
        using var temp = new TempDirectory();
        string fake = DataFiles.Write(temp.Combine("d.csv.ppml"), "a\n1\n");
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTableAsync("t", fake, DatasetFormat.Csv, cancellationToken: Token));

        Assert.Contains("not a PPML container", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tbl_WithoutSchema_IsError()
    {
        using var temp = new TempDirectory();
        string tbl = DataFiles.Write(temp.Combine("n.tbl"), "0|ALGERIA|0|x|\n");
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTableAsync("n", tbl, DatasetFormat.Tbl, cancellationToken: Token));
    }
}
