using System.Globalization;
using System.Text;
using Ppml.Core.IO;
using Ppml.Crypto.Container;
using Ppml.Kms.Envelope;

namespace Ppml.Data.Tpch;

/// <summary>
/// Writes query answers as <c>qNN.csv</c>: a header row of column names, then one line per row, fields
/// separated by <c>|</c>, lines ending with <c>\n</c>, UTF-8 without a byte order mark. A field containing
/// <c>|</c>, <c>"</c>, CR or LF is quoted with <c>"</c> (inner quotes doubled), as RFC 4180 does for commas.
/// </summary>
public static class TpchResultWriter
{
    /// <summary>The file name of a query's answer: <c>q01.csv</c> … <c>q22.csv</c>.</summary>
    public static string GetFileName(int query) => string.Create(CultureInfo.InvariantCulture, $"q{query:00}.csv");

    /// <summary>Writes <paramref name="result"/> to <paramref name="destination"/>, which stays open.</summary>
    /// <param name="result">The answer.</param>
    /// <param name="destination">The stream (for example an encrypting stream).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static async Task WriteCsvAsync(TpchQueryResult result, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(destination);
        var writer = new StreamWriter(destination, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true)
        {
            NewLine = "\n",
        };
        await using (writer.ConfigureAwait(false))
        {
            await WriteLineAsync(writer, result.Columns, cancellationToken).ConfigureAwait(false);
            foreach (IReadOnlyList<string> row in result.Rows)
            {
                await WriteLineAsync(writer, row, cancellationToken).ConfigureAwait(false);
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes each result to <c>directory/qNN.csv</c> with <see cref="AtomicFile"/>: written as a temporary file, flushed
    /// to disk and renamed over any existing file, so a reader never sees a partial answer.
    /// </summary>
    /// <param name="results">The answers.</param>
    /// <param name="directory">The output folder; created if missing.</param>
    /// <param name="cancellationToken">Cancels the writes; a cancelled file leaves no temporary behind.</param>
    /// <returns>The paths written.</returns>
    public static async Task<IReadOnlyList<string>> WriteCsvFilesAsync(
        IEnumerable<TpchQueryResult> results,
        string directory,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        foreach (TpchQueryResult result in results)
        {
            string path = Path.Combine(directory, GetFileName(result.Query));
            await AtomicFile.WriteAsync(path, (file, token) => WriteCsvAsync(result, file, token), cancellationToken: cancellationToken).ConfigureAwait(false);
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>
    /// Writes every result as <c>qNN.csv</c> (<c>qNN.csv.ppml</c> containers with <paramref name="encryption"/>) into a
    /// <see cref="StagingDirectory"/> beside <paramref name="output"/> (each file through a temporary file flushed to disk),
    /// then moves the directory into place: readers see all the answers or none.
    /// </summary>
    /// <param name="results">The answers.</param>
    /// <param name="output">The directory to create (or replace).</param>
    /// <param name="encryption">Encrypt each file with its own data key; <see langword="null"/> writes plain CSV.</param>
    /// <param name="overwrite">Replace <paramref name="output"/> if it exists and is not empty.</param>
    /// <param name="cancellationToken">Cancels the writes; nothing is left behind.</param>
    /// <exception cref="IOException"><paramref name="output"/> is not empty and <paramref name="overwrite"/> is off.</exception>
    public static async Task WriteDirectoryAsync(
        IReadOnlyList<TpchQueryResult> results,
        string output,
        TpchEncryption? encryption,
        bool overwrite = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentException.ThrowIfNullOrEmpty(output);
        using StagingDirectory staging = StagingDirectory.Create(output);
        if (encryption is null)
        {
            await WriteCsvFilesAsync(results, staging.Path, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            foreach (TpchQueryResult result in results)
            {
                string path = Path.Combine(staging.Path, GetFileName(result.Query) + TpchDatasetWriter.ContainerSuffix);
                await AtomicFile.WriteAsync(
                    path,
                    async (file, token) =>
                    {
                        ContainerWriteStream container = await EnvelopeEncryption.CreateWriteAsync(encryption.Kms, encryption.KeyName, file, leaveOpen: true, cancellationToken: token).ConfigureAwait(false);
                        await using (container.ConfigureAwait(false))
                        {
                            await WriteCsvAsync(result, container, token).ConfigureAwait(false);
                            await container.CompleteAsync(token).ConfigureAwait(false);
                        }
                    },
                    overwrite: false,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        bool exists = Directory.Exists(output);
        if (exists && !overwrite && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new IOException($"Results directory '{output}' appeared while the queries ran and is not empty; it was left as it is.");
        }

        // An existing directory (empty, or replaceable with overwrite) is moved aside, the staging moved in, then deleted.
        staging.Commit(replace: exists);
    }

    private static async Task WriteLineAsync(StreamWriter writer, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                line.Append('|');
            }

            string field = fields[i];
            if (field.AsSpan().IndexOfAny("|\"\r\n") >= 0)
            {
                line.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                line.Append(field);
            }
        }

        line.Append('\n');
        await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
    }
}
