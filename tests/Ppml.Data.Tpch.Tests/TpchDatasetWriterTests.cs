using Ppml.Data.Tables;
using Ppml.Kms.Envelope;
using Ppml.Testing;

namespace Ppml.Data.Tpch.Tests;

/// <summary><see cref="TpchDatasetWriter"/>: the layout, encryption, the all-or-nothing commit and what it refuses to replace.</summary>
public sealed class TpchDatasetWriterTests : IClassFixture<KmsFixture>, IDisposable
{
    private const double ScaleFactor = 0.001;

    private readonly TempDirectory _temp = new();
    private readonly KmsFixture _fixture;

    public TpchDatasetWriterTests(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task WriteAsync_OnePartPlain_WritesDbgenFilesAndTheSchemaFile()
    {
        string output = _temp.Combine("out");

        TpchGenerationResult result = await TpchDatasetWriter.WriteAsync(
            new TpchGenerationOptions { ScaleFactor = ScaleFactor }, output, encryption: null, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(
            TpchSchema.Tables.Select(TpchSchema.GetFileName).Append(TableSchemaFile.FileName).Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(result.TotalBytes, Directory.EnumerateFiles(output).Where(f => Path.GetFileName(f) != TableSchemaFile.FileName).Sum(file => new FileInfo(file).Length));
        Assert.Equal(["out"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task WriteAsync_Issue11_SchemaFileDescribesEveryTableSoTableSourcesNeedsNoSchema()
    {
        string output = _temp.Combine("enc");
        var options = new TpchGenerationOptions { ScaleFactor = ScaleFactor, Parts = 2 };

        await TpchDatasetWriter.WriteAsync(options, output, new TpchEncryption(_fixture.Kms, "primary"), cancellationToken: TestContext.Current.CancellationToken);
        IReadOnlyList<TableSchemaEntry> entries = TableSchemaFile.TryRead(output)!;
        IReadOnlyList<TableSource> sources = TableSources.Parse(
            ["lineitem=" + output, "nation=" + output, "li=" + Path.Combine(output, "lineitem") + "/", "li2=" + Path.Combine(output, "lineitem", "*.ppml")], [], requireEncrypted: true, p => p);

        Assert.Equal(TpchSchema.Tables.Select(TpchSchema.GetTableName).Order(StringComparer.Ordinal), entries.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(Path.Combine(output, "lineitem"), entries.Single(e => e.Name == "lineitem").Path);
        Assert.Equal(Path.Combine(output, "nation.tbl.ppml"), entries.Single(e => e.Name == "nation").Path);
        Assert.All(sources, s => Assert.Equal(DatasetFormat.Tbl, s.Format));
        Assert.Equal(16, sources[0].ReadOptions.Schema!.Count);
        Assert.Equal("l_orderkey:BIGINT", $"{sources[2].ReadOptions.Schema![0].Name}:{sources[2].ReadOptions.Schema![0].SqlType}");
        Assert.Equal(sources[0].ReadOptions.Schema, sources[3].ReadOptions.Schema);
        Assert.Equal(TpchOutputState.TpchData, TpchDatasetWriter.InspectOutput(output, out _));
    }

    [Fact]
    public async Task WriteAsync_PartsEncrypted_EachPartDecryptsToTheGeneratorsBytes()
    {
        string plain = _temp.Combine("plain");
        string encrypted = _temp.Combine("encrypted");
        var options = new TpchGenerationOptions { ScaleFactor = ScaleFactor, Parts = 2 };
        await TpchDatasetWriter.WriteAsync(options, plain, encryption: null, cancellationToken: TestContext.Current.CancellationToken);

        TpchGenerationResult result = await TpchDatasetWriter.WriteAsync(
            options, encrypted, new TpchEncryption(_fixture.Kms, "primary"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.All(result.Parts, part =>
        {
            string path = TpchDatasetWriter.GetPartPath(encrypted, part, encrypted: true);
            Assert.EndsWith(".ppml", path, StringComparison.Ordinal);
            Assert.True(File.Exists(path), path);
        });
        foreach (TpchPart part in result.Parts)
        {
            string decrypted = _temp.Combine("decrypted", part.FileName);
            Directory.CreateDirectory(Path.GetDirectoryName(decrypted)!);
            await EnvelopeEncryption.DecryptFileAsync(
                _fixture.Kms, TpchDatasetWriter.GetPartPath(encrypted, part, encrypted: true), decrypted, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(File.ReadAllBytes(TpchDatasetWriter.GetPartPath(plain, part, encrypted: false)), File.ReadAllBytes(decrypted));
        }
    }

    [Fact]
    public void GetPartPath_SeveralParts_IsTableDirectory()
    {
        string path = TpchDatasetWriter.GetPartPath("root", new TpchPart(TpchTable.LineItem, Index: 1, Count: 3), encrypted: true);

        Assert.Equal(Path.Combine("root", "lineitem", "lineitem.tbl.2.ppml"), path);
    }

    [Fact]
    public void GetPartPath_OnePart_IsFileInRoot()
    {
        Assert.Equal(Path.Combine("root", "nation.tbl"), TpchDatasetWriter.GetPartPath("root", new TpchPart(TpchTable.Nation, Index: 0, Count: 1), encrypted: false));
    }

    [Fact]
    public void EstimateBytes_Sf1_IsDbgensSize()
    {
        Assert.Equal(1_100_693_130, TpchDatasetWriter.EstimateBytes(1, TpchSchema.Tables));
    }

    [Fact]
    public void InspectOutput_EachState()
    {
        File.WriteAllText(_temp.Combine("file"), "x");
        Directory.CreateDirectory(_temp.Combine("empty"));
        Directory.CreateDirectory(_temp.Combine("tpch", "lineitem"));
        File.WriteAllText(_temp.Combine("tpch", "nation.tbl.ppml"), "x");
        Directory.CreateDirectory(_temp.Combine("other"));
        File.WriteAllText(_temp.Combine("other", "nation.tbl"), "x");
        File.WriteAllText(_temp.Combine("other", "notes.txt"), "x");

        Assert.Equal(TpchOutputState.Empty, TpchDatasetWriter.InspectOutput(_temp.Combine("missing"), out _));
        Assert.Equal(TpchOutputState.Empty, TpchDatasetWriter.InspectOutput(_temp.Combine("empty"), out _));
        Assert.Equal(TpchOutputState.File, TpchDatasetWriter.InspectOutput(_temp.Combine("file"), out _));
        Assert.Equal(TpchOutputState.TpchData, TpchDatasetWriter.InspectOutput(_temp.Combine("tpch"), out string? none));
        Assert.Null(none);
        Assert.Equal(TpchOutputState.OtherData, TpchDatasetWriter.InspectOutput(_temp.Combine("other"), out string? foreign));
        Assert.Equal("notes.txt", foreign);
    }

    [Fact]
    public async Task WriteAsync_NonEmptyWithoutOverwrite_RefusesAndLeavesItAlone()
    {
        string output = _temp.Combine("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "nation.tbl"), "old");

        IOException error = await Assert.ThrowsAsync<IOException>(() => TpchDatasetWriter.WriteAsync(
            new TpchGenerationOptions { ScaleFactor = ScaleFactor }, output, encryption: null, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("already exists and is not empty", error.Message, StringComparison.Ordinal);
        Assert.Equal("old", File.ReadAllText(Path.Combine(output, "nation.tbl")));
        Assert.Equal(["out"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task WriteAsync_OverwriteForeignDirectory_Refuses()
    {
        string output = _temp.Combine("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "thesis.pdf"), "precious");

        IOException error = await Assert.ThrowsAsync<IOException>(() => TpchDatasetWriter.WriteAsync(
            new TpchGenerationOptions { ScaleFactor = ScaleFactor }, output, encryption: null, overwrite: true, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("'thesis.pdf', which is not a TPC-H table", error.Message, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(output, "thesis.pdf")));
    }

    [Fact]
    public async Task WriteAsync_OverwriteTpchDirectory_ReplacesIt()
    {
        string output = _temp.Combine("out");
        Directory.CreateDirectory(Path.Combine(output, "lineitem"));
        File.WriteAllText(Path.Combine(output, "lineitem", "lineitem.tbl.1"), "old");

        await TpchDatasetWriter.WriteAsync(
            new TpchGenerationOptions { ScaleFactor = ScaleFactor }, output, encryption: null, overwrite: true, cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(Directory.Exists(Path.Combine(output, "lineitem")));
        Assert.True(File.Exists(Path.Combine(output, "lineitem.tbl")));
        Assert.Equal(["out"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task WriteAsync_Cancelled_LeavesNothing()
    {
        string output = _temp.Combine("out");
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var progress = new CancelOnFirstReport(cancellation);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TpchDatasetWriter.WriteAsync(
            new TpchGenerationOptions { ScaleFactor = 0.01, Parts = 4, MaxDegreeOfParallelism = 1 },
            output,
            new TpchEncryption(_fixture.Kms, "primary"),
            progress: progress,
            cancellationToken: cancellation.Token));

        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Path));
    }

    private sealed class CancelOnFirstReport(CancellationTokenSource cancellation) : IProgress<TpchProgress>
    {
        public void Report(TpchProgress value) => cancellation.Cancel();
    }
}
