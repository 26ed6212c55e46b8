using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Validators;

namespace Ppml.Benchmarks;

/// <summary>The one configuration every benchmark runs with (STYLE.md §11).</summary>
internal static class BenchConfig
{
    public static IConfig Default { get; } = DefaultConfig.Instance
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddValidator(JitOptimizationsValidator.FailOnError);
}
