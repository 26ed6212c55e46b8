using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Ppml.Kms.Release;
using Ppml.Kms.Server.Crypto;

namespace Ppml.Benchmarks.Kms;

/// <summary>Per-operation crypto cost on the KMS server: wrapping a data key vs releasing it to a TEE's runtime key.</summary>
public class KeyReleaseBenchmarks
{
    private readonly byte[] _primary = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _dataKey = RandomNumberGenerator.GetBytes(32);
    private ECDiffieHellman _runtime = null!;
    private RuntimeKey _runtimeKey = null!;

    [GlobalSetup]
    public void Setup()
    {
        _runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        _runtimeKey = RuntimeKey.FromKey(_runtime);
    }

    [GlobalCleanup]
    public void Cleanup() => _runtime.Dispose();

    [Benchmark(Baseline = true)]
    public byte[] WrapDataKey() => DataKeyWrapping.Wrap(_primary, "load", 1, _dataKey);

    [Benchmark]
    public ReleasedDataKey ReleaseToRuntimeKey() => KeyRelease.Seal(_runtimeKey, _dataKey, "load", 1);
}
