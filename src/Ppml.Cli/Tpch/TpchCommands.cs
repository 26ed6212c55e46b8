using System.CommandLine;
using Ppml.Workloads.Data;

namespace Ppml.Cli.Tpch;

/// <summary><c>ppml tpch gen|run|bench</c> and <c>ppml examples tpch</c>.</summary>
internal static class TpchCommands
{
    private const string QueriesDescription = "Queries to run: numbers and ranges, for example 1,3,5-7 (default: 1-22).";

    public static Command Create(CliContext context) =>
        new("tpch", "TPC-H on encrypted data: generate the tables (dbgen-identical), run the 22 queries, benchmark against plaintext.")
        {
            CreateGen(context), CreateRun(context), CreateBench(context), CreateBenchVariant(context),
        };

    /// <summary><c>ppml examples tpch</c>.</summary>
    public static Command CreateExample(CliContext context)
    {
        var scaleFactor = new Option<double>("--sf") { Description = "Scale factor.", DefaultValueFactory = _ => TpchWorkload.ExampleScaleFactor };
        var parts = new Option<int>("--parts") { Description = "Parts per large table.", DefaultValueFactory = _ => 1 };
        var queries = new Option<string?>("--queries") { Description = QueriesDescription };
        (KmsTargetOptions kms, Option<string?> key) = (new(workload: true), CommonOptions.Key());
        var command = new Command("tpch", "BigDL's TPC-H example: generate encrypted tables in a temporary directory, run the 22 queries on them, print 'N finished' and a summary.")
        {
            scaleFactor, parts, queries, key,
        };
        kms.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new TpchHandler(context).ExampleAsync(
            kms.Read(parse), parse.GetValue(key), parse.GetValue(scaleFactor), parse.GetValue(parts), parse.GetValue(queries), cancellationToken)));
        return command;
    }

    private static Command CreateGen(CliContext context)
    {
        var scaleFactor = new Option<double>("--sf") { Description = "Scale factor: 1 is about 1 GB; below 1 in steps of 0.001, from 1 whole numbers.", Required = true };
        var output = new Option<string>("--out") { Description = "Output directory (created; replaced with --force).", Required = true };
        var encrypt = new Option<bool>("--encrypt") { Description = "Stream every part straight into a PPML container ('.ppml'); no plaintext touches the disk." };
        var parts = new Option<int>("--parts") { Description = "Parts per table: with N > 1 each table is a directory TABLE/ of TABLE.tbl.1 ... TABLE.tbl.N (nation and region stay one file).", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "Parts generated at once (default: one per core)." };
        Option<bool> force = CommonOptions.Force("--out (only a directory holding nothing but TPC-H tables)");
        (KmsTargetOptions kms, Option<string?> key, Option<bool> json) = (new(), CommonOptions.Key(), CommonOptions.Json());
        var command = new Command("gen", "Generate the TPC-H tables as dbgen does (deterministic, parallel), plain or encrypted, all or nothing.")
        {
            scaleFactor, output, encrypt, parts, threads, force, key, json,
        };
        kms.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new TpchHandler(context).GenAsync(
            parse.GetValue(scaleFactor), parse.GetRequiredValue(output), parse.GetValue(encrypt), parse.GetValue(parts), parse.GetValue(threads), parse.GetValue(force),
            kms.Read(parse), parse.GetValue(key), parse.GetValue(json), cancellationToken)));
        return command;
    }

    private static Command CreateRun(CliContext context)
    {
        var data = new Option<string>("--data")
        {
            Description = "Dataset directory: each table as TABLE.tbl, TABLE.csv or TABLE.parquet (each optionally + .ppml), a directory TABLE/ of parts, or dbgen's TABLE.tbl.1, TABLE.tbl.2, ...",
            Required = true,
        };
        var queries = new Option<string?>("--queries") { Description = QueriesDescription };
        var scaleFactor = new Option<double?>("--sf") { Description = "Scale factor of the data, for Q11 (default: from the size of supplier)." };
        var output = new Option<string?>("--out") { Description = "Write qNN.csv per query (header, '|' between fields) into this directory; it appears only if every query succeeds." };
        var encrypt = new Option<bool>("--encrypt") { Description = "Write the results as PPML containers (qNN.csv.ppml)." };
        var requireEncrypted = new Option<bool>("--require-encrypted") { Description = "Refuse plain input parts." };
        var savedTables = new Option<string>("--saved-tables")
        {
            Description = "use: attach the tables saved from exactly these parts (DATA/_ppml_tables.duckdb.ppml, encrypted) instead of parsing them; "
                + "save: the same, and after parsing save them there for the next run; ignore: always parse. Default: use.",
            DefaultValueFactory = _ => "use",
        };
        savedTables.AcceptOnlyFromAmong("use", "save", "ignore");
        Option<bool> force = CommonOptions.Force("--out");
        (KmsTargetOptions kms, Option<string?> key) = (new(workload: true), CommonOptions.Key());
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object on stdout (tables, per-query rows and times, memoryLimitBytes, footprint: peak bytes and method) instead of text; the 'N finished' lines go to stderr.",
        };
        Option<string?> memoryLimit = CommonOptions.MemoryLimit();
        var command = new Command("run", "Run the TPC-H queries over plain or encrypted tables, decrypted only in memory; prints 'N finished' per query.")
        {
            data, queries, scaleFactor, output, encrypt, requireEncrypted, savedTables, force, key, json, memoryLimit,
        };
        kms.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new TpchHandler(context).RunAsync(
            parse.GetRequiredValue(data), parse.GetValue(queries), parse.GetValue(scaleFactor), parse.GetValue(output), parse.GetValue(encrypt), parse.GetValue(force),
            parse.GetValue(requireEncrypted), parse.GetValue(savedTables)!, kms.Read(parse), parse.GetValue(key), parse.GetValue(json), parse.GetValue(memoryLimit), cancellationToken)));
        return command;
    }

    private static Command CreateBench(CliContext context)
    {
        var scaleFactor = new Option<double>("--sf") { Description = "Scale factor.", DefaultValueFactory = _ => 1 };
        var repeat = new Option<int>("--repeat") { Description = "Runs of each variant (order rotates); medians are reported.", DefaultValueFactory = _ => 3 };
        var parts = new Option<int>("--parts") { Description = "Parts per large table of the encrypted copy.", DefaultValueFactory = _ => 1 };
        var queries = new Option<string?>("--queries") { Description = QueriesDescription };
        var work = new Option<string?>("--work") { Description = "Directory for the generated data (default: the temp folder); the data is deleted afterwards." };
        var report = new Option<string?>("--report") { Description = "Also write the markdown report to this file (for example bench/results/tpch-sf1.md)." };
        var note = new Option<string?>("--note") { Description = "A line for the report's header, for example the commit measured." };
        var maxRatio = new Option<double?>("--max-ratio") { Description = "Fail (exit 1) when the total ratio encrypted/plain exceeds this." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout (medians, ratios of wall, CPU and peak footprint, every run with its process) instead of the markdown report." };
        Option<string?> memoryLimit = CommonOptions.MemoryLimit(" Applies to every variant, plain DuckDB included.");
        (KmsTargetOptions kms, Option<string?> key) = (new(workload: true), CommonOptions.Key());
        var command = new Command(
            "bench",
            "Benchmark: the queries over encrypted data vs the same data in plaintext files in DuckDB. Each variant runs in a process of its own, one database at a time; "
            + "prints wall, CPU and peak-footprint ratios.")
        {
            scaleFactor, repeat, parts, queries, work, report, note, maxRatio, json, memoryLimit, key,
        };
        kms.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new TpchHandler(context).BenchAsync(
            new TpchHandler.BenchArguments(
                parse.GetValue(scaleFactor), parse.GetValue(repeat), parse.GetValue(parts), parse.GetValue(queries), parse.GetValue(work), parse.GetValue(report), parse.GetValue(note),
                parse.GetValue(maxRatio), parse.GetValue(json), parse.GetValue(memoryLimit)),
            kms.Read(parse), parse.GetValue(key), cancellationToken)));
        return command;
    }

    /// <summary>
    /// <c>ppml tpch bench-variant</c> (hidden): one run of one benchmark variant in this process, started by <c>ppml tpch bench</c>;
    /// prints its measurements, answer digests and footprint as one JSON object.
    /// </summary>
    private static Command CreateBenchVariant(CliContext context)
    {
        var variant = new Option<string>("--variant") { Description = "plain, encrypted or plain-context.", Required = true };
        var data = new Option<string>("--data") { Description = "The dataset directory.", Required = true };
        var queries = new Option<string?>("--queries") { Description = QueriesDescription };
        var scaleFactor = new Option<double>("--sf") { Description = "Scale factor of the data.", Required = true };
        var repeat = new Option<int>("--repeat-index") { Description = "The repeat this run belongs to, from 0." };
        var cgroup = new Option<string?>("--cgroup") { Description = "A cgroup v2 made for this process, whose memory.peak is the footprint." };
        Option<string?> memoryLimit = CommonOptions.MemoryLimit();
        memoryLimit.Required = true;
        var kms = new KmsTargetOptions(workload: true);
        var command = new Command("bench-variant", "One run of one 'ppml tpch bench' variant, as its child process; prints JSON.")
        {
            variant, data, queries, scaleFactor, repeat, cgroup, memoryLimit,
        };
        command.Hidden = true;
        kms.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new TpchHandler(context).BenchVariantAsync(
            parse.GetRequiredValue(variant), parse.GetRequiredValue(data), parse.GetValue(queries), parse.GetValue(scaleFactor), parse.GetValue(repeat), parse.GetValue(cgroup),
            parse.GetValue(memoryLimit)!, kms.Read(parse), cancellationToken)));
        return command;
    }
}
