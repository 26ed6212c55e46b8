using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Ppml.Data;
using Ppml.Kms.Envelope;
using Ppml.Kms.File;

namespace Ppml.Benchmarks.Data;

/// <summary>
/// Registering a CSV table: plain vs encrypted (PPML container) through memory files, and encrypted through the
/// appender fallback. The ratio encrypted/plain is the cost of decryption on the load path.
/// </summary>
[MemoryDiagnoser]
public class TableLoadBenchmarks
{
    private string _directory = null!;
    private FileKeyManagementService _kms = null!;
    private string _plain = null!;
    private string _encrypted = null!;

    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Directory.CreateTempSubdirectory("ppml-bench-load-").FullName;
        _kms = await FileKeyManagementService.CreateAsync(Path.Combine(_directory, "kms"), "bench-password");
        await _kms.CreateKeyAsync("primary");
        _plain = Path.Combine(_directory, "rows.csv");
        var csv = new StringBuilder("id,name,amount,day\n");
        for (int i = 0; i < Rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},customer-{i % 9973},{i * 0.01:F2},2024-{(i % 12) + 1:D2}-{(i % 28) + 1:D2}\n");
        }

        await File.WriteAllTextAsync(_plain, csv.ToString());
        _encrypted = _plain + ".ppml";
        await EnvelopeEncryption.EncryptFileAsync(_kms, "primary", _plain, _encrypted);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kms.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task<long> PlainMemoryFile() => LoadAsync(_plain, DecryptedInputTransport.MemoryFile);

    [Benchmark]
    public Task<long> EncryptedMemoryFile() => LoadAsync(_encrypted, DecryptedInputTransport.MemoryFile);

    [Benchmark]
    public Task<long> EncryptedAppender() => LoadAsync(_encrypted, DecryptedInputTransport.Appender);

    private async Task<long> LoadAsync(string path, DecryptedInputTransport transport)
    {
        await using PpmlContext context = await PpmlContext.OpenAsync(_kms, new PpmlContextOptions { Transport = transport });
        TableInfo table = await context.RegisterTableAsync("t", path, DatasetFormat.Csv);
        return table.Rows;
    }
}
