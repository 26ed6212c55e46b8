using Ppml.Core;

namespace Ppml.Data.Tables;

/// <summary>Names of <see cref="DatasetFormat"/> values and the format a dataset's file name implies.</summary>
public static class DatasetFormats
{
    /// <summary>Parses a format name: <c>csv</c>, <c>json</c> (or <c>jsonl</c>), <c>text</c> (or <c>txt</c>), <c>parquet</c>, <c>tbl</c>; any case.</summary>
    /// <param name="text">The name.</param>
    /// <returns>The format, or <see langword="null"/> for any other name.</returns>
    public static DatasetFormat? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.ToLowerInvariant() switch
        {
            "csv" => DatasetFormat.Csv,
            "json" or "jsonl" => DatasetFormat.Json,
            "text" or "txt" => DatasetFormat.Text,
            "parquet" => DatasetFormat.Parquet,
            "tbl" => DatasetFormat.Tbl,
            _ => null,
        };
    }

    /// <summary>
    /// The format implied by <paramref name="path"/>'s extensions, read from the last (after any <c>.ppml</c>) back:
    /// <c>people.csv.ppml</c> is CSV, <c>lineitem.tbl.1</c> is TPC-H <c>.tbl</c>. For a directory of parts, the name of its
    /// first part (in ordinal order, hidden and <c>_</c> files skipped) decides.
    /// </summary>
    /// <param name="path">A file or a directory of parts.</param>
    /// <returns>The format, or <see langword="null"/> when no extension names one.</returns>
    public static DatasetFormat? Infer(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string name = path;
        if (Directory.Exists(path))
        {
            name = Directory.EnumerateFiles(path).Select(Path.GetFileName).Where(n => n is not null && n[0] is not ('.' or '_')).Order(StringComparer.Ordinal).FirstOrDefault() ?? string.Empty;
        }

        name = Path.GetFileName(name);
        if (name.EndsWith(PpmlFileNames.ContainerExtension, StringComparison.Ordinal))
        {
            name = name[..^PpmlFileNames.ContainerExtension.Length];
        }

        foreach (string piece in name.Split('.').Skip(1).Reverse())
        {
            if (TryParse(piece) is { } format)
            {
                return format;
            }
        }

        return null;
    }

    /// <summary>The lower-case name of <paramref name="format"/>, as <see cref="TryParse"/> reads it.</summary>
    /// <param name="format">The format.</param>
    /// <returns>For example <c>csv</c>.</returns>
    public static string GetName(DatasetFormat format) => format.ToString().ToLowerInvariant();
}
