using BenchmarkDotNet.Running;
using Ppml.Benchmarks;
using Ppml.Benchmarks.Kms;

// `kms-load` is a load test of a live server (throughput and tail latency), which BenchmarkDotNet does not model.
if (args.Length > 0 && args[0] == "kms-load")
{
    return await KmsLoad.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args, BenchConfig.Default);
return 0;
