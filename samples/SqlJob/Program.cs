// "Run your own Spark program": a SQL job over an encrypted CSV, its result written encrypted. The data is decrypted
// only in memory (DuckDB), with keys released to this measured program only.
// Run: ppml submit SqlJob.dll people.csv.ppml "SELECT city, count(*) AS n FROM people GROUP BY city" result.csv.ppml
using Ppml.Data;
using Ppml.Workloads;
using Ppml.Workloads.Workspace;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: SqlJob INPUT.csv.ppml \"SELECT ... FROM people ...\" OUTPUT.csv.ppml");
    return 2;
}

var host = new WorkloadHost { Diagnostics = Console.Error };
try
{
    await using PpmlSession session = await KmsTarget.FromEnvironment(host).OpenSessionAsync(host, keyName: null, CancellationToken.None);
    await using PpmlContext context = await session.OpenContextAsync();
    TableInfo table = await context.RegisterTableAsync("people", args[0], DatasetFormat.Csv);
    WriteResult written = await context.WriteAsync(args[1], args[2], DatasetFormat.Csv, new DatasetWriteOptions { Encrypt = true });
    Console.WriteLine($"{table.Rows} rows in, {written.Rows} rows out, written encrypted to {args[2]}");
    return 0;
}
catch (Exception exception) when (exception is not OperationCanceledException)
{
    Console.Error.WriteLine($"sqljob: error: {exception.Message}");
    return 1;
}
