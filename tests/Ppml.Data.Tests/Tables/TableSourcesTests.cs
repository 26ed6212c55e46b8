using Ppml.Data.Tables;
using Ppml.Testing;

namespace Ppml.Data.Tests.Tables;

public sealed class TableSourcesTests
{
    [Fact]
    public void Parse_TablesAndOptions_ResolvesPathsInfersFormatsAndReadsOptions()
    {
        using var temp = new TempDirectory();

        IReadOnlyList<TableSource> tables = TableSources.Parse(
            ["p=people.csv.ppml", "n=dbgen/nation.tbl.1", "j=raw:json"],
            ["p.header=false", "p.delimiter=tab", "p.schema=id BIGINT, price DECIMAL(15, 2)", "n.schema=n_nationkey INTEGER, n_name CHAR(25)"],
            requireEncrypted: true,
            path => Path.GetFullPath(path, temp.Path));

        Assert.Equal(["p", "n", "j"], tables.Select(t => t.Name));
        Assert.Equal([DatasetFormat.Csv, DatasetFormat.Tbl, DatasetFormat.Json], tables.Select(t => t.Format));
        Assert.Equal(temp.Combine("people.csv.ppml"), tables[0].Path);
        Assert.Equal(temp.Combine("raw"), tables[2].Path);
        Assert.False(tables[0].ReadOptions.HasHeader);
        Assert.Equal('\t', tables[0].ReadOptions.Delimiter);
        Assert.Equal([new DatasetColumn("id", "BIGINT"), new DatasetColumn("price", "DECIMAL(15, 2)")], tables[0].ReadOptions.Schema!);
        Assert.All(tables, t => Assert.True(t.ReadOptions.RequireEncrypted));
        Assert.True(tables[2].ReadOptions.HasHeader);
        Assert.Null(tables[2].ReadOptions.Schema);
    }

    [Theory]
    [InlineData(new[] { "nonsense" }, new string[0], "--table 'nonsense' must look like NAME=PATH[:FORMAT]")]
    [InlineData(new[] { "t=data.bin" }, new string[0], "add it: --table t=PATH:csv")]
    [InlineData(new[] { "t=n.tbl" }, new string[0], "give its columns with --option t.schema=")]
    [InlineData(new[] { "t=t.csv" }, new[] { "x.header=false" }, "--option 'x.header=false': there is no --table named 'x'")]
    [InlineData(new[] { "t=t.csv" }, new[] { "t.quote=x" }, "unknown option 'quote'")]
    [InlineData(new[] { "t=t.csv" }, new[] { "t.header=yes", "t.header=no" }, "--option t.header is given twice")]
    [InlineData(new[] { "t=t.csv" }, new[] { "t.delimiter=\"" }, "give one character (not a quote or line break)")]
    [InlineData(new[] { "t=t.json" }, new[] { "t.delimiter=;" }, "applies to csv tables, not json")]
    [InlineData(new[] { "t=t.txt" }, new[] { "t.schema=a BIGINT" }, "does not apply to text tables")]
    [InlineData(new[] { "t=t.csv" }, new[] { "t.schema=a BIGINT); DROP TABLE t; --" }, "unbalanced parentheses")]
    public void Parse_BadInput_ThrowsFormatExceptionNamingIt(string[] tables, string[] options, string expected)
    {
        FormatException error = Assert.Throws<FormatException>(() => TableSources.Parse(tables, options, requireEncrypted: false, path => "/data/" + path, "--table", "--option"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DefaultNames_DoNotMentionCommandLineOptions()
    {
        FormatException error = Assert.Throws<FormatException>(() => TableSources.Parse(["t=t.csv"], ["x.header=false"], requireEncrypted: false, path => path));

        Assert.Equal("option 'x.header=false': there is no table named 'x'.", error.Message);
    }

    [Theory]
    [InlineData("a BIGINT; DROP TABLE t", "is not a DuckDB type name")]
    [InlineData("a", "must be 'COLUMN TYPE'")]
    [InlineData("a BIGINT, A INTEGER", "column 'a' is named twice")]
    [InlineData("a DECIMAL(15,2", "unbalanced parentheses")]
    public void DatasetSchemaParse_BadSchema_Throws(string schema, string expected)
    {
        FormatException error = Assert.Throws<FormatException>(() => DatasetSchema.Parse(schema));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Schema", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DatasetSchemaParse_ParametersAndLists_KeepTheirCommas()
    {
        IReadOnlyList<DatasetColumn> columns = DatasetSchema.Parse("k DECIMAL(15,2), tags varchar[], d DOUBLE PRECISION");

        Assert.Equal([new DatasetColumn("k", "DECIMAL(15,2)"), new DatasetColumn("tags", "VARCHAR[]"), new DatasetColumn("d", "DOUBLE PRECISION")], columns);
    }

    [Fact]
    public void DatasetFormatsInfer_DirectoryOfParts_UsesTheFirstVisiblePart()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("parts"));
        File.WriteAllText(temp.Combine("parts", "_SUCCESS"), string.Empty);
        File.WriteAllText(temp.Combine("parts", "part-00001.parquet"), string.Empty);
        File.WriteAllText(temp.Combine("parts", "part-00000.json.ppml"), string.Empty);

        Assert.Equal(DatasetFormat.Json, DatasetFormats.Infer(temp.Combine("parts")));
        Assert.Equal(DatasetFormat.Tbl, DatasetFormats.Infer("lineitem.tbl.3.ppml"));
        Assert.Null(DatasetFormats.Infer("notes.bin"));
        Assert.Null(DatasetFormats.TryParse("xml"));
    }
}
