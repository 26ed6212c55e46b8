using System.Text;
using Ppml.Kms.Envelope;
using Ppml.Testing;

namespace Ppml.Data.Tpch.Tests;

/// <summary><see cref="TpchResultWriter.WriteDirectoryAsync"/>: all answers or none, plain or encrypted.</summary>
public sealed class TpchResultDirectoryTests : IClassFixture<KmsFixture>, IDisposable
{
    private static readonly TpchQueryResult[] Results =
    [
        new(1, ["a", "b"], [["1", "x"]], TimeSpan.Zero),
        new(6, ["revenue"], [["7.50"]], TimeSpan.Zero),
    ];

    private readonly TempDirectory _temp = new();
    private readonly KmsFixture _fixture;

    public TpchResultDirectoryTests(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task WriteDirectoryAsync_Plain_WritesQnnCsvAndNoStaging()
    {
        string output = _temp.Combine("results", "out");

        await TpchResultWriter.WriteDirectoryAsync(Results, output, encryption: null, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["q01.csv", "q06.csv"], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("revenue\n7.50\n", File.ReadAllText(Path.Combine(output, "q06.csv")));
        Assert.Equal(["out"], Directory.EnumerateFileSystemEntries(_temp.Combine("results")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task WriteDirectoryAsync_Encrypted_WritesContainersOfTheCsv()
    {
        string output = _temp.Combine("out");

        await TpchResultWriter.WriteDirectoryAsync(Results, output, new TpchEncryption(_fixture.Kms, "primary"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["q01.csv.ppml", "q06.csv.ppml"], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        string decrypted = _temp.Combine("q06.csv");
        await EnvelopeEncryption.DecryptFileAsync(_fixture.Kms, Path.Combine(output, "q06.csv.ppml"), decrypted, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("revenue\n7.50\n", Encoding.UTF8.GetString(File.ReadAllBytes(decrypted)));
    }

    [Fact]
    public async Task WriteDirectoryAsync_NonEmptyWithoutOverwrite_ThrowsAndKeepsIt()
    {
        string output = _temp.Combine("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "keep.txt"), "mine");

        await Assert.ThrowsAsync<IOException>(() => TpchResultWriter.WriteDirectoryAsync(Results, output, encryption: null, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(["keep.txt"], Directory.GetFiles(output).Select(Path.GetFileName));
        Assert.Equal(["out"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task WriteDirectoryAsync_Overwrite_ReplacesTheDirectory()
    {
        string output = _temp.Combine("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "q22.csv"), "stale");

        await TpchResultWriter.WriteDirectoryAsync(Results, output, encryption: null, overwrite: true, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["q01.csv", "q06.csv"], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["out"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }
}
