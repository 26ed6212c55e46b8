namespace Ppml.Data.Examples;

/// <summary>
/// The queries of Spark's <c>examples/src/main/python/sql/basic.py</c> over <c>people.json</c> and <c>people.txt</c>,
/// printed as Spark prints them (<c>df.show()</c> tables, <c>printSchema()</c>, "Name: Justin").
/// </summary>
public static class SqlBasicExample
{
    /// <summary>Runs every step of basic.py and writes its output to <paramref name="output"/>.</summary>
    /// <param name="context">The context.</param>
    /// <param name="peopleJson">people.json (plain or encrypted).</param>
    /// <param name="peopleText">people.txt (plain or encrypted).</param>
    /// <param name="output">Receives what Spark would print.</param>
    /// <param name="requireEncrypted">Whether plain inputs are refused.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when every step has printed.</returns>
    public static async Task RunAsync(PpmlContext context, string peopleJson, string peopleText, TextWriter output, bool requireEncrypted = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(output);
        var read = new DatasetReadOptions { RequireEncrypted = requireEncrypted };

        // basic_df_example: spark.read.json; Spark orders inferred JSON columns by name (age, name).
        await context.RegisterTableAsync("people_json", peopleJson, DatasetFormat.Json, read, cancellationToken).ConfigureAwait(false);
        await context.QueryAsync("CREATE OR REPLACE VIEW people AS SELECT age, name FROM people_json", cancellationToken).ConfigureAwait(false);
        await ShowAsync("SELECT * FROM people").ConfigureAwait(false);
        await output.WriteAsync("root\n |-- age: long (nullable = true)\n |-- name: string (nullable = true)\n\n").ConfigureAwait(false);
        await ShowAsync("SELECT name FROM people").ConfigureAwait(false);
        await ShowAsync("SELECT name, age + 1 FROM people").ConfigureAwait(false);
        await ShowAsync("SELECT age, name FROM people WHERE age > 21").ConfigureAwait(false);
        await ShowAsync("SELECT age, count(*) AS count FROM people GROUP BY age ORDER BY age NULLS LAST").ConfigureAwait(false);
        await ShowAsync("SELECT * FROM people").ConfigureAwait(false);

        // createGlobalTempView + a query from the same session and from newSession(): one context here, so the
        // second query runs on the same connection; the view lives in schema global_temp as in Spark.
        await context.QueryAsync("CREATE SCHEMA IF NOT EXISTS global_temp", cancellationToken).ConfigureAwait(false);
        await context.QueryAsync("CREATE OR REPLACE VIEW global_temp.people AS SELECT * FROM main.people", cancellationToken).ConfigureAwait(false);
        await ShowAsync("SELECT * FROM global_temp.people").ConfigureAwait(false);
        await ShowAsync("SELECT * FROM global_temp.people").ConfigureAwait(false);

        // schema_inference_example: people.txt lines "name, age" -> Row(name, age=int(age)).
        await context.RegisterTableAsync("people_txt", peopleText, DatasetFormat.Text, read, cancellationToken).ConfigureAwait(false);
        await context.QueryAsync(
            "CREATE OR REPLACE VIEW people_inferred AS SELECT split_part(value, ',', 1) AS name, CAST(trim(split_part(value, ',', 2)) AS BIGINT) AS age FROM people_txt",
            cancellationToken).ConfigureAwait(false);
        QueryResult teenagers = await context.QueryAsync("SELECT name FROM people_inferred WHERE age >= 13 AND age <= 19", cancellationToken).ConfigureAwait(false);
        foreach (IReadOnlyList<object?> row in teenagers.Rows)
        {
            await output.WriteAsync($"Name: {row[0]}\n").ConfigureAwait(false);
        }

        // programmatic_schema_example: both columns strings, name and age.strip().
        await context.QueryAsync(
            "CREATE OR REPLACE VIEW people_strings AS SELECT split_part(value, ',', 1) AS name, trim(split_part(value, ',', 2)) AS age FROM people_txt",
            cancellationToken).ConfigureAwait(false);
        await ShowAsync("SELECT name FROM people_strings").ConfigureAwait(false);

        async Task ShowAsync(string sql)
        {
            QueryResult result = await context.QueryAsync(sql, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(result.ToTableString()).ConfigureAwait(false);
            await output.WriteAsync("\n").ConfigureAwait(false);
        }
    }
}
