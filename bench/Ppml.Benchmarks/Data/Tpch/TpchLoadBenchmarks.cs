using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Ppml.Data;
using Ppml.Data.IO;
using Ppml.Data.Tpch;
using Ppml.Kms.Envelope;
using Ppml.Kms.File;

namespace Ppml.Benchmarks.Data.Tpch;

/// <summary>
/// Where the time of loading an encrypted TPC-H table goes: LINEITEM at <see cref="ScaleFactor"/> (SF 0.1: 600,572 rows,
/// 76 MB), copied plain into a memory file (the baseline), decrypted into a memory file, and fully registered in a
/// <see cref="PpmlContext"/> (memory file + DuckDB <c>CREATE TABLE AS read_csv</c>) plain and encrypted.
/// Run with <c>--filter *TpchLoadBenchmarks*</c>.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class TpchLoadBenchmarks
{
    private string _directory = null!;
    private FileKeyManagementService _kms = null!;
    private DatasetPart _plainPart = null!;
    private DatasetPart _encryptedPart = null!;

    [Params(0.1)]
    public double ScaleFactor { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Directory.CreateTempSubdirectory("ppml-bench-tpch-load-").FullName;
        _kms = await FileKeyManagementService.CreateAsync(Path.Combine(_directory, "kms"), "bench-password");
        await _kms.CreateKeyAsync("primary");
        await TpchGenerator.GenerateToDirectoryAsync(
            new TpchGenerationOptions { ScaleFactor = ScaleFactor, Tables = [TpchTable.LineItem] }, _directory);
        string plain = Path.Combine(_directory, "lineitem.tbl");
        string encrypted = plain + ".ppml";
        await EnvelopeEncryption.EncryptFileAsync(_kms, "primary", plain, encrypted);
        _plainPart = new DatasetPart(plain, 0, PartProtection.None, new FileInfo(plain).Length);
        _encryptedPart = new DatasetPart(encrypted, 0, PartProtection.Container, new FileInfo(encrypted).Length);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kms.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task<long> PlainToMemoryFile() => ToMemoryFileAsync(_plainPart);

    [Benchmark]
    public Task<long> DecryptToMemoryFile() => ToMemoryFileAsync(_encryptedPart);

    [Benchmark]
    public Task<long> RegisterPlain() => RegisterAsync(_plainPart.Path);

    [Benchmark]
    public Task<long> RegisterEncrypted() => RegisterAsync(_encryptedPart.Path);

    [Benchmark]
    public Task<long> RegisterEncryptedOneReader() => RegisterAsync(_encryptedPart.Path, parallelism: 1);

    private async Task<long> ToMemoryFileAsync(DatasetPart part)
    {
        using MemoryFile file = MemoryFile.Create("bench");
        return await PartReader.CopyPlaintextToAsync(_kms, part, file.Handle, Environment.ProcessorCount, CancellationToken.None);
    }

    private async Task<long> RegisterAsync(string path, int? parallelism = null)
    {
        await using PpmlContext context = await PpmlContext.OpenAsync(_kms, new PpmlContextOptions { MaxDegreeOfParallelism = parallelism ?? Environment.ProcessorCount });
        var source = new TpchTableSource(TpchTable.LineItem, path, DatasetFormat.Tbl, []);
        TableInfo table = await context.RegisterTableAsync("lineitem", path, DatasetFormat.Tbl, TpchDataset.ReadOptions(source, requireEncrypted: false));
        return table.Rows;
    }
}
