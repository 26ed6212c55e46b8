using Ppml.Testing;

namespace Ppml.Data.Tpch.Tests;

/// <summary><see cref="TpchDataset.Locate"/>: every layout of the issue, and each way a directory can be wrong.</summary>
public sealed class TpchDatasetTests : IClassFixture<KmsFixture>, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly KmsFixture _fixture;

    public TpchDatasetTests(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("nation.tbl", DatasetFormat.Tbl)]
    [InlineData("nation.tbl.ppml", DatasetFormat.Tbl)]
    [InlineData("nation.csv", DatasetFormat.Csv)]
    [InlineData("nation.csv.ppml", DatasetFormat.Csv)]
    [InlineData("nation.parquet", DatasetFormat.Parquet)]
    [InlineData("nation.parquet.ppml", DatasetFormat.Parquet)]
    public void Locate_SingleFile_EachFormatWithOrWithoutContainerSuffix(string fileName, DatasetFormat format)
    {
        Touch(fileName);

        TpchTableSource source = LocateNation();

        Assert.Equal(TpchTable.Nation, source.Table);
        Assert.Equal("nation", source.TableName);
        Assert.Equal(_temp.Combine(fileName), source.Path);
        Assert.Equal(format, source.Format);
        Assert.Empty(source.Files);
    }

    [Theory]
    [InlineData("nation.tbl.1.ppml", DatasetFormat.Tbl)]
    [InlineData("part-00000.csv", DatasetFormat.Csv)]
    [InlineData("part-00000-1f2e.snappy.parquet", DatasetFormat.Parquet)]
    [InlineData("part-0.parquet.ppml", DatasetFormat.Parquet)]
    public void Locate_DirectoryOfParts_FormatFromThePartNames(string partName, DatasetFormat format)
    {
        Touch("nation", partName);
        Touch("nation", "_SUCCESS");
        Touch("nation", ".part-00000.crc");
        Touch("nation", "x.tbl.tmp-0a1b2c3d");

        TpchTableSource source = LocateNation();

        Assert.Equal(_temp.Combine("nation"), source.Path);
        Assert.Equal(format, source.Format);
        Assert.Empty(source.Files);
    }

    [Fact]
    public void Locate_DbgenChunks_InNumericPartOrder()
    {
        foreach (int index in new[] { 10, 2, 1 })
        {
            Touch($"lineitem.tbl.{index}");
        }

        TpchTableSource source = Assert.Single(TpchDataset.Locate(_temp.Path, [TpchTable.LineItem]).Tables);

        Assert.Equal(DatasetFormat.Tbl, source.Format);
        Assert.Equal(["lineitem.tbl.1", "lineitem.tbl.2", "lineitem.tbl.10"], source.Files.Select(Path.GetFileName));
        Assert.Equal(source.Files[0], source.Path);
    }

    [Fact]
    public void Locate_EncryptedDbgenChunks_Accepted()
    {
        Touch("orders.tbl.1.ppml");
        Touch("orders.tbl.2.ppml");

        TpchTableSource source = Assert.Single(TpchDataset.Locate(_temp.Path, [TpchTable.Orders]).Tables);

        Assert.Equal(["orders.tbl.1.ppml", "orders.tbl.2.ppml"], source.Files.Select(Path.GetFileName));
    }

    [Fact]
    public void Locate_AllEightTables_InSchemaOrder()
    {
        foreach (TpchTable table in TpchSchema.Tables)
        {
            Touch(TpchSchema.GetFileName(table));
        }

        TpchDataset dataset = TpchDataset.Locate(_temp.Path);

        Assert.Equal(Path.GetFullPath(_temp.Path), dataset.DirectoryPath);
        Assert.Equal(TpchSchema.Tables, dataset.Tables.Select(t => t.Table));
    }

    [Fact]
    public void Locate_MissingTable_NamesTableAndTheLayoutsLookedFor()
    {
        Touch("region.tbl");

        DatasetException error = Assert.Throws<DatasetException>(() => TpchDataset.Locate(_temp.Path, [TpchTable.Region, TpchTable.Nation]));

        Assert.StartsWith("TPC-H table nation is missing from ", error.Message, StringComparison.Ordinal);
        Assert.Contains("nation.tbl.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_TableInTwoLayouts_NamesBoth()
    {
        Touch("nation.tbl");
        Touch("nation.csv.ppml");

        DatasetException error = Assert.Throws<DatasetException>(LocateNation);

        Assert.Contains("more than once (nation.tbl, nation.csv.ppml)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_SameChunkPlainAndEncrypted_Refused()
    {
        Touch("nation.tbl.1");
        Touch("nation.tbl.1.ppml");

        DatasetException error = Assert.Throws<DatasetException>(LocateNation);

        Assert.Contains("part 1 is in", error.Message, StringComparison.Ordinal);
        Assert.Contains("nation.tbl.1 and nation.tbl.1.ppml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_DirectoryMixingFormats_Refused()
    {
        Touch("nation", "part-0.csv");
        Touch("nation", "part-1.parquet");

        DatasetException error = Assert.Throws<DatasetException>(LocateNation);

        Assert.Contains("mix formats", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_PartWithoutAFormatInItsName_NamesThePart()
    {
        Touch("nation", "part-0.dat");

        DatasetException error = Assert.Throws<DatasetException>(LocateNation);

        Assert.Equal(_temp.Combine("nation", "part-0.dat"), error.Path);
        Assert.Contains("cannot tell the format of part", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_DirectoryWithoutParts_Refused()
    {
        Touch("nation", "_SUCCESS");

        DatasetException error = Assert.Throws<DatasetException>(LocateNation);

        Assert.Contains("holds no part files", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_NoSuchDirectory_NamesIt()
    {
        string missing = _temp.Combine("nowhere");

        DatasetException error = Assert.Throws<DatasetException>(() => TpchDataset.Locate(missing));

        Assert.Equal($"TPC-H data directory '{missing}' does not exist.", error.Message);
    }

    [Fact]
    public void Locate_NamesThatOnlyLookAlike_AreNotTables()
    {
        Touch("nation.tbl");
        Touch("nation.tbl.bak");
        Touch("nation.tbl.x1");
        Touch("nations.tbl");

        TpchTableSource source = LocateNation();

        Assert.Equal(_temp.Combine("nation.tbl"), source.Path);
    }

    [Fact]
    public async Task DetectScaleFactor_FromSupplierRows()
    {
        await using PpmlContext context = await PpmlContext.OpenAsync(_fixture.Kms, new PpmlContextOptions { MemoryLimit = "1GB" }, TestContext.Current.CancellationToken);
        await context.QueryAsync("CREATE TABLE supplier AS SELECT range AS s_suppkey FROM range(1000)", TestContext.Current.CancellationToken);

        double scaleFactor = await TpchDataset.DetectScaleFactorAsync(context, TestContext.Current.CancellationToken);

        Assert.Equal(0.1, scaleFactor);
    }

    [Fact]
    public async Task DetectScaleFactor_EmptySupplier_AsksForTheScaleFactor()
    {
        await using PpmlContext context = await PpmlContext.OpenAsync(_fixture.Kms, new PpmlContextOptions { MemoryLimit = "1GB" }, TestContext.Current.CancellationToken);
        await context.QueryAsync("CREATE TABLE supplier (s_suppkey BIGINT)", TestContext.Current.CancellationToken);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => TpchDataset.DetectScaleFactorAsync(context, TestContext.Current.CancellationToken));

        Assert.Contains("give the scale factor explicitly", error.Message, StringComparison.Ordinal);
    }

    private TpchTableSource LocateNation() => Assert.Single(TpchDataset.Locate(_temp.Path, [TpchTable.Nation]).Tables);

    private void Touch(params string[] relative)
    {
        string path = _temp.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
    }
}
