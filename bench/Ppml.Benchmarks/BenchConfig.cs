using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Validators;

namespace Ppml.Benchmarks;

/// <summary>The configuration every benchmark runs with (STYLE.md §11).</summary>
public static class BenchConfig
{
    /// <summary>Default config, memory diagnoser, and a hard failure on non-optimized (Debug) builds.</summary>
    public static IConfig Default { get; } = DefaultConfig.Instance
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddValidator(JitOptimizationsValidator.FailOnError);
}
