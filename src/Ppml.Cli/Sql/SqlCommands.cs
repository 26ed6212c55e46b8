using System.CommandLine;

namespace Ppml.Cli.Sql;

/// <summary><c>ppml sql</c>.</summary>
internal static class SqlCommands
{
    public static Command Create(CliContext context)
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
        var output = new Option<string?>("--out") { Description = "Write the result to this file instead of printing it ('-': standard output, as without --out)." };
        var format = new Option<string?>("--format") { Description = "csv, json, parquet or table (default: table on stdout; with --out, from its extension)." };
        var encrypt = new Option<bool>("--encrypt") { Description = "Encrypt --out: a PPML container ('.ppml' appended) for csv/json, Parquet modular encryption for parquet." };
        var requireEncrypted = new Option<bool>("--require-encrypted") { Description = "Refuse plain input files." };
        var maxRows = new Option<int>("--max-rows") { Description = "Rows to print as a table.", DefaultValueFactory = _ => 20 };
        (Option<bool> force, Option<string?> key, KmsTargetOptions kms) = (CommonOptions.Force("--out"), CommonOptions.Key(), new(workload: true));
        var command = new Command("sql", "Run SQL over encrypted (or plain) CSV, JSON, text and Parquet datasets, decrypted only in memory.")
        {
            query, tables, tableOptions, output, format, encrypt, requireEncrypted, maxRows, force, key,
        };
        kms.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new SqlHandler(context).RunAsync(
            parse.GetRequiredValue(query), parse.GetValue(tables) ?? [], parse.GetValue(tableOptions) ?? [], parse.GetValue(output), parse.GetValue(format), parse.GetValue(encrypt),
            parse.GetValue(requireEncrypted), parse.GetValue(force), parse.GetValue(maxRows), kms.Read(parse), parse.GetValue(key), cancellationToken)));
        return command;
    }
}
