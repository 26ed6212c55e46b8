using BenchmarkDotNet.Running;
using Ppml.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchConfig.Default);
