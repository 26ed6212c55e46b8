using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Ppml.Benchmarks.Attestation;

/// <summary>
/// The floor under quote verification: one ECDSA P-256 verification (SHA-256 over a 632-byte TDX header and body)
/// with an already imported key. Quote verification with cached collateral needs one of these plus parsing.
/// </summary>
[MemoryDiagnoser]
public class EcdsaVerifyBenchmarks
{
    private ECDsa _key = null!;
    private byte[] _data = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _data = new byte[632];
        _signature = _key.SignData(_data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark(Baseline = true)]
    public bool VerifyP256() => _key.VerifyData(_data, _signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}
