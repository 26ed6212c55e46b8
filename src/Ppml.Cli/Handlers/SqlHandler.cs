using Ppml.Core;
using Ppml.Data;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml sql</c>: registers <c>--table NAME=PATH[:FORMAT]</c> datasets (plain or encrypted), runs one query and prints
/// it as a table or writes it to <c>--out</c> (CSV, JSON lines or Parquet; <c>--encrypt</c> for PPML containers, or
/// Parquet modular encryption).
/// </summary>
internal sealed class SqlHandler
{
    private readonly CliContext _context;

    public SqlHandler(CliContext context)
    {
        _context = context;
    }

    public sealed record Options(
        string Query,
        IReadOnlyList<string> Tables,
        IReadOnlyList<string> TableOptions,
        string? Output,
        string? Format,
        bool Encrypt,
        bool RequireEncrypted,
        bool Force,
        int MaxRows,
        KmsTarget Kms,
        string? KeyName);

    public async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        var tables = options.Tables.Select(ParseTable).ToList();
        IReadOnlyDictionary<string, DatasetReadOptions> readOptions = TableReadOptions.Parse(options.TableOptions, tables, options.RequireEncrypted);
        DatasetFormat? outputFormat = ResolveOutputFormat(options);
        await using DataSession session = await DataSession.OpenAsync(_context, options.Kms, options.KeyName, cancellationToken);
        foreach ((string name, string path, DatasetFormat format) in tables)
        {
            TableInfo info = await session.Context.RegisterTableAsync(name, path, format, readOptions[name], cancellationToken);
            await _context.Error.WriteLineAsync(
                $"ppml: table {info.Name}: {info.Rows} rows from {info.Parts} part(s), {info.EncryptedParts} encrypted ({info.Transport}, {info.Elapsed.TotalMilliseconds:0} ms)");
        }

        if (outputFormat is not DatasetFormat format2)
        {
            QueryResult result = await session.Context.QueryAsync(options.Query, cancellationToken);
            await _context.Output.WriteAsync(result.ToTableString(options.MaxRows));
            return ExitCodes.Success;
        }

        string output = _context.ResolvePath(options.Output!);
        if (options.Encrypt && format2 != DatasetFormat.Parquet && !output.EndsWith(PpmlFileNames.ContainerExtension, StringComparison.Ordinal))
        {
            output += PpmlFileNames.ContainerExtension;
        }

        WriteResult written = await session.Context.WriteAsync(
            options.Query,
            output,
            format2,
            new DatasetWriteOptions { Encrypt = options.Encrypt, KeyName = options.KeyName, Overwrite = options.Force },
            cancellationToken);
        await _context.Output.WriteLineAsync(
            $"Wrote {written.Rows} row(s) as {format2.ToString().ToUpperInvariant()}{(written.IsEncrypted ? $", encrypted with key '{options.KeyName ?? session.DefaultKey}'" : ", NOT encrypted")}: {written.Path}");
        return ExitCodes.Success;
    }

    /// <summary>NAME=PATH[:FORMAT]; the format defaults to the file extension (after any '.ppml').</summary>
    internal (string Name, string Path, DatasetFormat Format) ParseTable(string spec)
    {
        int equals = spec.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == spec.Length - 1)
        {
            throw CliException.Usage($"--table '{spec}' must look like NAME=PATH[:FORMAT] (FORMAT: csv, json, text, parquet).");
        }

        string name = spec[..equals];
        string path = spec[(equals + 1)..];
        DatasetFormat? format = null;
        int colon = path.LastIndexOf(':');
        if (colon > 0 && ParseFormat(path[(colon + 1)..]) is { } explicitFormat)
        {
            format = explicitFormat;
            path = path[..colon];
        }

        path = _context.ResolvePath(path);
        format ??= InferFormat(path) ?? throw CliException.Usage(
            $"Cannot tell the format of '{path}' from its name; add it: --table {name}=PATH:csv (csv, json, text, parquet or tbl).");
        return (name, path, format.Value);
    }

    private static DatasetFormat? ResolveOutputFormat(Options options)
    {
        DatasetFormat? requested = options.Format is null or "table" ? null : ParseFormat(options.Format)
            ?? throw CliException.Usage($"--format '{options.Format}' is not one of csv, json, parquet, table.");
        if (options.Output is null)
        {
            if (requested is not null)
            {
                throw CliException.Usage("--format csv|json|parquet needs --out PATH; without --out the result is printed as a table.");
            }

            if (options.Encrypt)
            {
                throw CliException.Usage("--encrypt needs --out PATH.");
            }

            return null;
        }

        DatasetFormat format = requested ?? InferFormat(options.Output) ?? DatasetFormat.Csv;
        if (format is not (DatasetFormat.Csv or DatasetFormat.Json or DatasetFormat.Parquet))
        {
            throw CliException.Usage($"Results are written as csv, json or parquet, not {format.ToString().ToLowerInvariant()}.");
        }

        return format;
    }

    private static DatasetFormat? ParseFormat(string text) => text.ToLowerInvariant() switch
    {
        "csv" => DatasetFormat.Csv,
        "json" or "jsonl" => DatasetFormat.Json,
        "text" or "txt" => DatasetFormat.Text,
        "parquet" => DatasetFormat.Parquet,
        "tbl" => DatasetFormat.Tbl,
        _ => null,
    };

    private static DatasetFormat? InferFormat(string path)
    {
        string name = path;
        if (Directory.Exists(path))
        {
            name = Directory.EnumerateFiles(path).Select(System.IO.Path.GetFileName).Where(n => n is not null && n[0] is not ('.' or '_')).Order(StringComparer.Ordinal).FirstOrDefault() ?? string.Empty;
        }

        name = System.IO.Path.GetFileName(name);
        if (name.EndsWith(PpmlFileNames.ContainerExtension, StringComparison.Ordinal))
        {
            name = name[..^PpmlFileNames.ContainerExtension.Length];
        }

        foreach (string piece in name.Split('.').Skip(1).Reverse())
        {
            if (ParseFormat(piece) is { } format)
            {
                return format;
            }
        }

        return null;
    }
}
