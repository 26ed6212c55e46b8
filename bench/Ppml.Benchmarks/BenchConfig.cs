using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Validators;

namespace Ppml.Benchmarks;

/// <summary>The one benchmark configuration (STYLE.md §11): memory diagnoser, optimized JIT required.</summary>
public static class BenchConfig
{
    public static IConfig Default { get; } = DefaultConfig.Instance
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddValidator(JitOptimizationsValidator.FailOnError);
}
