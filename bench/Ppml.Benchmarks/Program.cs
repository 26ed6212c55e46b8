using BenchmarkDotNet.Running;

namespace Ppml.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/Ppml.Benchmarks -- --filter '*Container*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchConfig.Default);
}
