namespace Ppml.Data.Tpch;

/// <summary>Hears the steps of <see cref="TpchBenchmark.RunAsync"/> as they happen (for progress output).</summary>
public interface ITpchBenchmarkObserver
{
    /// <summary>A copy of the data is about to be generated.</summary>
    /// <param name="options">What is generated.</param>
    /// <param name="encryption">How it is encrypted; <see langword="null"/> for the plaintext copy.</param>
    /// <returns>Where to report the generation's progress, or <see langword="null"/>.</returns>
    IProgress<TpchProgress>? GenerationStarting(TpchGenerationOptions options, TpchEncryption? encryption);

    /// <summary>A copy of the data was generated.</summary>
    /// <param name="result">What was generated.</param>
    /// <param name="elapsed">How long it took.</param>
    /// <param name="encryption">How it was encrypted; <see langword="null"/> for the plaintext copy.</param>
    void GenerationFinished(TpchGenerationResult result, TimeSpan elapsed, TpchEncryption? encryption);

    /// <summary>
    /// A repeat finished; called once per variant, in <see cref="TpchBenchmark.Variants"/> order, after every variant
    /// of the repeat ran.
    /// </summary>
    /// <param name="repeat">The repeat, from 0.</param>
    /// <param name="variant">One of <see cref="TpchBenchmark.Variants"/>.</param>
    /// <param name="load">The variant's load in this repeat.</param>
    /// <param name="queries">The variant's queries in this repeat, summed.</param>
    void VariantMeasured(int repeat, string variant, TpchBenchmarkSample load, TpchBenchmarkSample queries);

    /// <summary>One variant's run finished (its process, samples and footprint); called as soon as it ends.</summary>
    /// <param name="repeat">The repeat, from 0.</param>
    /// <param name="run">What the run measured.</param>
    void VariantRun(int repeat, TpchBenchmarkVariantResult run)
    {
    }
}
