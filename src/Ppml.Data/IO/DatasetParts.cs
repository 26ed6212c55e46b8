using Ppml.Crypto.Container;

namespace Ppml.Data.IO;

/// <summary>
/// Resolves a dataset path into its parts: a single file, or the files of a directory in natural order
/// (<c>part-2</c> before <c>part-10</c>, <c>lineitem.tbl.2</c> before <c>lineitem.tbl.10</c>). Files whose name starts
/// with '.' or '_' (Spark's <c>_SUCCESS</c>, checksum files) and unfinished temporary files are not parts. A path whose
/// file name holds <c>*</c> or <c>?</c> (<c>data/lineitem/*.tbl.ppml</c>) is a pattern: the matching files of its directory,
/// in the same order, are the parts.
/// </summary>
internal static class DatasetParts
{
    /// <summary>The suffix of PPML container files.</summary>
    public const string ContainerExtension = ".ppml";

    private static ReadOnlySpan<byte> ParquetEncryptedMagic => "PARE"u8;

    public static async Task<IReadOnlyList<DatasetPart>> ResolveAsync(string path, DatasetFormat format, DatasetReadOptions options, CancellationToken cancellationToken)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        List<string> files;
        if (IsPattern(fullPath) && !File.Exists(fullPath))
        {
            files = Expand(fullPath);
        }
        else if (Directory.Exists(fullPath))
        {
            string? nested = Directory.EnumerateDirectories(fullPath).Select(System.IO.Path.GetFileName).FirstOrDefault(IsPartName);
            if (nested is not null)
            {
                throw new DatasetException(
                    $"Dataset directory '{fullPath}' contains the subdirectory '{nested}'; nested (partitioned) layouts are not supported: put the part files directly in the directory.",
                    fullPath,
                    line: null);
            }

            files = Directory.EnumerateFiles(fullPath)
                .Where(file => IsPartName(System.IO.Path.GetFileName(file)))
                .Order(NaturalComparer.Instance)
                .ToList();
            if (files.Count == 0)
            {
                throw new DatasetException($"Dataset directory '{fullPath}' holds no part files.", fullPath, line: null);
            }
        }
        else if (File.Exists(fullPath))
        {
            files = [fullPath];
        }
        else
        {
            throw new DatasetException($"Dataset '{fullPath}' does not exist (expected a file or a directory of part files).", fullPath, line: null);
        }

        var parts = new DatasetPart[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            parts[i] = await SniffAsync(files[i], i, format, options, cancellationToken).ConfigureAwait(false);
        }

        return parts;
    }

    /// <summary>Whether the file name of <paramref name="path"/> is a pattern (holds <c>*</c> or <c>?</c>).</summary>
    public static bool IsPattern(string path) => System.IO.Path.GetFileName(path).AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>The part files matching a pattern (<c>*</c>: any run of characters, <c>?</c>: one), in natural order.</summary>
    private static List<string> Expand(string pattern)
    {
        string directory = System.IO.Path.GetDirectoryName(pattern) ?? "/";
        string name = System.IO.Path.GetFileName(pattern);
        if (IsPattern(directory))
        {
            throw new DatasetException($"Dataset pattern '{pattern}': '*' and '?' may appear only in the file name, not in the directories.", pattern, line: null);
        }

        if (!Directory.Exists(directory))
        {
            throw new DatasetException($"Dataset pattern '{pattern}': directory '{directory}' does not exist.", pattern, line: null);
        }

        // Simple matching, case-sensitive: no Win32 8.3 quirks ('*.tbl' must not match 'x.tbl1').
        var options = new EnumerationOptions { MatchType = MatchType.Simple, MatchCasing = MatchCasing.CaseSensitive, RecurseSubdirectories = false };
        List<string> files = Directory.EnumerateFiles(directory, name, options)
            .Where(file => IsPartName(System.IO.Path.GetFileName(file)))
            .Order(NaturalComparer.Instance)
            .ToList();
        return files.Count > 0
            ? files
            : throw new DatasetException($"Dataset pattern '{pattern}' matches no part files.", pattern, line: null);
    }

    /// <summary>Resolves an explicit list of part files (in the given order); each must exist.</summary>
    public static async Task<IReadOnlyList<DatasetPart>> ResolveFilesAsync(IReadOnlyList<string> files, DatasetFormat format, DatasetReadOptions options, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            throw new DatasetException("A dataset needs at least one part file.");
        }

        var parts = new DatasetPart[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            if (!File.Exists(files[i]))
            {
                throw new DatasetException($"Part '{files[i]}' does not exist.", files[i], line: null);
            }

            parts[i] = await SniffAsync(files[i], i, format, options, cancellationToken).ConfigureAwait(false);
        }

        return parts;
    }

    private static async Task<DatasetPart> SniffAsync(string file, int index, DatasetFormat format, DatasetReadOptions options, CancellationToken cancellationToken)
    {
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            long length = stream.Length;
            byte[] head = new byte[8];
            int read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            PartProtection protection = PartProtection.None;
            if (PpmlContainer.LooksLikeContainer(head.AsSpan(0, read)))
            {
                protection = PartProtection.Container;
            }
            else if (file.EndsWith(ContainerExtension, StringComparison.OrdinalIgnoreCase))
            {
                throw new DatasetException(
                    $"Part '{file}' is named '{ContainerExtension}' but is not a PPML container (it is plain or damaged); encrypt it with 'ppml encrypt' or remove the suffix.",
                    file,
                    line: null);
            }
            else if (format == DatasetFormat.Parquet && length >= 8)
            {
                byte[] tail = new byte[4];
                stream.Position = length - tail.Length;
                await stream.ReadExactlyAsync(tail, cancellationToken).ConfigureAwait(false);
                if (tail.AsSpan().SequenceEqual(ParquetEncryptedMagic))
                {
                    protection = PartProtection.ParquetModular;
                }
            }

            if (options.RequireEncrypted && protection == PartProtection.None)
            {
                throw new DatasetException(
                    $"Part '{file}' is not encrypted, but the dataset requires encryption (RequireEncrypted); encrypt it with 'ppml encrypt' first.",
                    file,
                    line: null);
            }

            return new DatasetPart(file, index, protection, length);
        }
    }

    private static bool IsPartName(string? name) =>
        !string.IsNullOrEmpty(name)
        && name[0] != '.'
        && name[0] != '_'
        && !name.Contains(".tmp-", StringComparison.Ordinal);

    /// <summary>Orders names with digit runs compared as numbers.</summary>
    private sealed class NaturalComparer : IComparer<string>
    {
        public static readonly NaturalComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            if (x is null || y is null)
            {
                return string.CompareOrdinal(x, y);
            }

            int i = 0;
            int j = 0;
            while (i < x.Length && j < y.Length)
            {
                if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
                {
                    int startX = i;
                    int startY = j;
                    while (i < x.Length && char.IsAsciiDigit(x[i]))
                    {
                        i++;
                    }

                    while (j < y.Length && char.IsAsciiDigit(y[j]))
                    {
                        j++;
                    }

                    ReadOnlySpan<char> digitsX = x.AsSpan(startX, i - startX).TrimStart('0');
                    ReadOnlySpan<char> digitsY = y.AsSpan(startY, j - startY).TrimStart('0');
                    int byLength = digitsX.Length.CompareTo(digitsY.Length);
                    if (byLength != 0)
                    {
                        return byLength;
                    }

                    int byDigits = digitsX.SequenceCompareTo(digitsY);
                    if (byDigits != 0)
                    {
                        return byDigits;
                    }
                }
                else
                {
                    int byChar = x[i].CompareTo(y[j]);
                    if (byChar != 0)
                    {
                        return byChar;
                    }

                    i++;
                    j++;
                }
            }

            return (x.Length - i).CompareTo(y.Length - j) is var rest && rest != 0 ? rest : string.CompareOrdinal(x, y);
        }
    }
}
