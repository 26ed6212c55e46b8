using BenchmarkDotNet.Running;
using Ppml.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args, BenchConfig.Default);
