using System.CommandLine;
using Ppml.Cli.Handlers;
using Ppml.Data.Examples;

namespace Ppml.Cli.Commands;

/// <summary><c>ppml sql</c> and <c>ppml examples</c>.</summary>
internal static class DataCommands
{
    public static Command CreateSql(CliContext context)
    {
        var query = new Argument<string>("query") { Description = "The SQL query (DuckDB dialect)." };
        var tables = new Option<string[]>("--table")
        {
            Description = "A dataset as a table: NAME=PATH[:FORMAT] (FORMAT csv, json, text, parquet or tbl; default from the extension). A file or a directory of parts, plain or encrypted. Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var tableOptions = new Option<string[]>("--option")
        {
            Description = "How a --table is read: NAME.KEY=VALUE with KEY header (true|false), delimiter (one character, or tab) or schema ('col TYPE, col TYPE, ...' in file order; required for .tbl). Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<string?>("--out") { Description = "Write the result to this file instead of printing it." };
        var format = new Option<string?>("--format") { Description = "csv, json, parquet or table (default: table on stdout; with --out, from its extension)." };
        var encrypt = new Option<bool>("--encrypt") { Description = "Encrypt --out: a PPML container ('.ppml' appended) for csv/json, Parquet modular encryption for parquet." };
        var requireEncrypted = new Option<bool>("--require-encrypted") { Description = "Refuse plain input files." };
        var maxRows = new Option<int>("--max-rows") { Description = "Rows to print as a table.", DefaultValueFactory = _ => 20 };
        Option<bool> force = CommonOptions.Force("--out");
        Option<string?> key = CommonOptions.Key();
        KmsTargetOptions kms = new(workload: true);
        var command = new Command("sql", "Run SQL over encrypted (or plain) CSV, JSON, text and Parquet datasets, decrypted only in memory.")
        {
            query, tables, tableOptions, output, format, encrypt, requireEncrypted, maxRows, force, key,
        };
        kms.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new SqlHandler(context).RunAsync(
                new SqlHandler.Options(
                    parse.GetRequiredValue(query),
                    parse.GetValue(tables) ?? [],
                    parse.GetValue(tableOptions) ?? [],
                    parse.GetValue(output),
                    parse.GetValue(format),
                    parse.GetValue(encrypt),
                    parse.GetValue(requireEncrypted),
                    parse.GetValue(force),
                    parse.GetValue(maxRows),
                    kms.Read(parse),
                    parse.GetValue(key)),
                cancellationToken)));
        return command;
    }

    public static Command CreateExamples(CliContext context)
    {
        var examples = new Command("examples", "Run the Spark/Flink examples on encrypted data: pi, wordcount, sql-basic, tpch.");
        examples.Subcommands.Add(CreatePi(context));
        examples.Subcommands.Add(CreateWordCount(context));
        examples.Subcommands.Add(CreateSqlBasic(context));
        examples.Subcommands.Add(TpchCommands.CreateExample(context));
        return examples;
    }

    private static Command CreatePi(CliContext context)
    {
        var samples = new Option<long>("--samples") { Description = "Random points to draw.", DefaultValueFactory = _ => PiExample.DefaultSamples };
        (KmsTargetOptions kms, Option<string?> key) = (new(workload: true), CommonOptions.Key());
        var command = new Command("pi", "Estimate pi by Monte Carlo in SQL (Spark's pi.py).") { samples, key };
        kms.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new ExamplesHandler(context).PiAsync(new ExamplesHandler.Common(kms.Read(parse), parse.GetValue(key)), parse.GetValue(samples), cancellationToken)));
        return command;
    }

    private static Command CreateWordCount(CliContext context)
    {
        var input = new Option<string?>("--in") { Description = "Text file or directory of parts, plain or encrypted (default: the embedded Hamlet soliloquy, encrypted first)." };
        var output = new Option<string?>("--out") { Description = "Write (word, count) rows here (csv, json or parquet by extension) instead of printing (word,count) lines." };
        var encrypt = new Option<bool>("--encrypt") { Description = "Encrypt --out." };
        Option<bool> force = CommonOptions.Force("--out");
        (KmsTargetOptions kms, Option<string?> key) = (new(workload: true), CommonOptions.Key());
        var command = new Command("wordcount", "Count words as Flink's WordCount does (lower case, split at non-word characters).") { input, output, encrypt, force, key };
        kms.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new ExamplesHandler(context).WordCountAsync(
                new ExamplesHandler.Common(kms.Read(parse), parse.GetValue(key)), parse.GetValue(input), parse.GetValue(output), parse.GetValue(encrypt), parse.GetValue(force), cancellationToken)));
        return command;
    }

    private static Command CreateSqlBasic(CliContext context)
    {
        var json = new Option<string?>("--people-json") { Description = "people.json (default: the embedded sample, encrypted first)." };
        var text = new Option<string?>("--people-txt") { Description = "people.txt (default: the embedded sample, encrypted first)." };
        (KmsTargetOptions kms, Option<string?> key) = (new(workload: true), CommonOptions.Key());
        var command = new Command("sql-basic", "Spark's basic.py SQL example over encrypted people.json and people.txt.") { json, text, key };
        kms.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new ExamplesHandler(context).SqlBasicAsync(new ExamplesHandler.Common(kms.Read(parse), parse.GetValue(key)), parse.GetValue(json), parse.GetValue(text), cancellationToken)));
        return command;
    }
}
