using System.Globalization;

namespace Ppml.Data.Examples;

/// <summary>
/// Flink's WordCount over a (possibly encrypted) text file: <c>line.toLowerCase().split("\\W+")</c>, empty tokens
/// dropped, counted per word. <c>\W</c> is any character except <c>[A-Za-z0-9_]</c>, so "there's" gives "there" and "s".
/// </summary>
public static class WordCountExample
{
    /// <summary>The SQL over a text table with column <c>value</c>, sorted by word.</summary>
    public const string Sql =
        "SELECT word, count(*) AS count FROM (SELECT unnest(regexp_split_to_array(lower(value), '[^a-z0-9_]+')) AS word FROM lines) " +
        "WHERE word <> '' GROUP BY word ORDER BY word";

    /// <summary>Registers <paramref name="inputPath"/> as table <c>lines</c> and counts its words.</summary>
    /// <param name="context">The context.</param>
    /// <param name="inputPath">A text file (or directory of parts), plain or encrypted.</param>
    /// <param name="requireEncrypted">Whether a plain input is refused.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>(word, count) pairs sorted by word.</returns>
    public static async Task<IReadOnlyList<(string Word, long Count)>> RunAsync(PpmlContext context, string inputPath, bool requireEncrypted = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.RegisterTableAsync("lines", inputPath, DatasetFormat.Text, new DatasetReadOptions { RequireEncrypted = requireEncrypted }, cancellationToken).ConfigureAwait(false);
        QueryResult result = await context.QueryAsync(Sql, cancellationToken).ConfigureAwait(false);
        return result.Rows.Select(row => ((string)row[0]!, Convert.ToInt64(row[1], CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>Flink's output line for a pair: <c>(word,count)</c>.</summary>
    /// <param name="pair">The pair.</param>
    /// <returns>The line.</returns>
    public static string Format((string Word, long Count) pair) => string.Create(CultureInfo.InvariantCulture, $"({pair.Word},{pair.Count})");
}
