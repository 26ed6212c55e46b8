using System.CommandLine;

namespace Ppml.Cli.Sql;

/// <summary><c>ppml sql</c>.</summary>
internal static class SqlCommands
{
    public static Command Create(CliContext context)
    {
        var query = new Argument<string>("query") { Description = "The SQL query (DuckDB dialect). It is parsed and checked against the tables' schemas before any data is read; only the tables it references are loaded." };
        var tables = new Option<string[]>("--table")
        {
            Description = "A dataset as a table: NAME=PATH[:FORMAT] (FORMAT csv, json, text, parquet or tbl; default from the extension). PATH: a file, a directory of parts, or a pattern such as 'data/lineitem/*.tbl.ppml' (quote it), plain or encrypted; "
                + "or a directory 'ppml tpch gen' wrote (its _ppml_schema.json gives each table's place, format and columns: lineitem=tpch/). Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var tableOptions = new Option<string[]>("--option")
        {
            Description = "How a --table is read: NAME.KEY=VALUE with KEY header (true|false), delimiter (one character, or tab) or schema ('col TYPE, col TYPE, ...' in file order; required for .tbl without a _ppml_schema.json beside it). Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<string?>("--out") { Description = "Write the result to this file instead of printing it ('-': standard output, as without --out)." };
        var format = new Option<string?>("--format")
        {
            Description = "csv, json, parquet or table. Without --out the rows go to stdout: table (default), csv (header first) or json (one object per line); with --out, the file's format (default: from its extension).",
        };
        var json = new Option<bool>("--json") { Description = "Machine-readable stdout: without --out the rows as one JSON object per line (as --format json); with --out one JSON object describing the file written. Diagnostics stay on stderr." };
        var encrypt = new Option<bool>("--encrypt") { Description = "Encrypt --out: a PPML container ('.ppml' appended) for csv/json, Parquet modular encryption for parquet." };
        var requireEncrypted = new Option<bool>("--require-encrypted") { Description = "Refuse plain input files." };
        var maxRows = new Option<int>("--max-rows") { Description = "Rows to print as a table (at least 1).", DefaultValueFactory = _ => 20 };
        (Option<bool> force, Option<string?> key, KmsTargetOptions kms) = (CommonOptions.Force("--out"), CommonOptions.Key(), new(workload: true));
        Option<string?> memoryLimit = CommonOptions.MemoryLimit();
        var command = new Command("sql", "Run SQL over encrypted (or plain) CSV, JSON, text and Parquet datasets, decrypted only in memory.")
        {
            query, tables, tableOptions, output, format, json, encrypt, requireEncrypted, maxRows, force, key, memoryLimit,
        };
        kms.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new SqlHandler(context).RunAsync(
            parse.GetRequiredValue(query), parse.GetValue(tables) ?? [], parse.GetValue(tableOptions) ?? [], parse.GetValue(output), parse.GetValue(format), parse.GetValue(json), parse.GetValue(encrypt),
            parse.GetValue(requireEncrypted), parse.GetValue(force), parse.GetValue(maxRows), kms.Read(parse), parse.GetValue(key), parse.GetValue(memoryLimit), cancellationToken)));
        return command;
    }
}
