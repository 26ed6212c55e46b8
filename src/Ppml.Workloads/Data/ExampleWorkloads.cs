using Ppml.Data;
using Ppml.Data.Examples;

namespace Ppml.Workloads.Data;

/// <summary>
/// The seed's Spark and Flink examples (<c>ppml examples pi|wordcount|sql-basic</c>) as workloads of a session. Without
/// inputs they run on the embedded samples, encrypted first with the session's keys into a private temporary directory
/// (containers only, deleted afterwards), so every example reads encrypted data.
/// </summary>
public static class ExampleWorkloads
{
    /// <summary>Spark's pi.py: estimates pi by Monte Carlo in SQL.</summary>
    /// <param name="session">The workload session.</param>
    /// <param name="samples">Random points to draw (at least 1).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The estimate.</returns>
    public static async Task<double> PiAsync(PpmlSession session, long samples = PiExample.DefaultSamples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        PpmlContext context = await session.OpenContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            return await PiExample.EstimateAsync(context, samples, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Flink's WordCount over <see cref="WordCountOptions.Input"/> (or the encrypted Hamlet sample).</summary>
    /// <param name="session">The workload session.</param>
    /// <param name="options">The input and the output.</param>
    /// <param name="cancellationToken">Cancels the work; a cancelled write leaves nothing behind.</param>
    /// <returns>The counts, or the file written.</returns>
    /// <exception cref="DatasetException">The input could not be read or the output written.</exception>
    public static async Task<WordCountResult> WordCountAsync(PpmlSession session, WordCountOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        using var samples = new TemporaryDirectory("ppml-examples-");
        PpmlContext context = await session.OpenContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            string input = options.Input ?? await ExampleData.EncryptToAsync(session.Keys, session.DefaultKeyName, ExampleData.Hamlet, samples.Path, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<(string Word, long Count)> counts = await WordCountExample.RunAsync(context, input, requireEncrypted: false, cancellationToken).ConfigureAwait(false);
            if (options.Output is null)
            {
                return new WordCountResult(counts, Written: null);
            }

            DatasetFormat format = options.Output.Contains(".json", StringComparison.OrdinalIgnoreCase) ? DatasetFormat.Json
                : options.Output.Contains(".parquet", StringComparison.OrdinalIgnoreCase) ? DatasetFormat.Parquet
                : DatasetFormat.Csv;
            string output = SqlWorkload.WithContainerName(options.Output, format, options.Encrypt);
            var write = new DatasetWriteOptions { Encrypt = options.Encrypt, KeyName = options.KeyName, Overwrite = options.Overwrite };
            WriteResult written = await context.WriteAsync(WordCountExample.Sql, output, format, write, cancellationToken).ConfigureAwait(false);
            return new WordCountResult(Counts: null, written);
        }
    }

    /// <summary>
    /// Spark's basic.py SQL example over <paramref name="peopleJson"/> and <paramref name="peopleText"/> — both, or
    /// neither for the embedded samples (encrypted first; then plain inputs are refused).
    /// </summary>
    /// <param name="session">The workload session.</param>
    /// <param name="peopleJson">people.json, or <see langword="null"/> for the sample.</param>
    /// <param name="peopleText">people.txt, or <see langword="null"/> for the sample.</param>
    /// <param name="output">Where Spark's lines are printed.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when every line is written.</returns>
    /// <exception cref="WorkloadException">One input is given without the other (invalid input).</exception>
    public static async Task SqlBasicAsync(PpmlSession session, string? peopleJson, string? peopleText, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(output);
        if ((peopleJson is null) != (peopleText is null))
        {
            throw new WorkloadException("Give both people.json and people.txt, or neither (the embedded samples).", isInvalidInput: true);
        }

        using var samples = new TemporaryDirectory("ppml-examples-");
        PpmlContext context = await session.OpenContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            string json = peopleJson ?? await ExampleData.EncryptToAsync(session.Keys, session.DefaultKeyName, ExampleData.PeopleJson, samples.Path, cancellationToken).ConfigureAwait(false);
            string text = peopleText ?? await ExampleData.EncryptToAsync(session.Keys, session.DefaultKeyName, ExampleData.PeopleText, samples.Path, cancellationToken).ConfigureAwait(false);
            await SqlBasicExample.RunAsync(context, json, text, output, requireEncrypted: peopleJson is null, cancellationToken).ConfigureAwait(false);
        }
    }
}
