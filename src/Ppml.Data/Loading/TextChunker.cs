using System.Buffers;
using System.Security.Cryptography;
using Ppml.Data.IO;
using Ppml.Kms;

namespace Ppml.Data.Loading;

/// <summary>
/// Cuts the plaintext of a delimited-text part (CSV, .tbl) into <see cref="TextChunk"/>s of about a target size, each
/// ending at a row boundary, so DuckDB can load a table of any size through a bounded amount of decrypted text. A row
/// boundary is a line feed outside a quoted field: for CSV (quote <c>"</c>, escaped by doubling, RFC 4180) a line feed
/// preceded by an even number of quotes since the start of the part; .tbl has no quoting.
/// </summary>
internal static class TextChunker
{
    /// <summary>Plaintext bytes read at a time.</summary>
    private const int ReadBytes = 4 << 20;

    private const byte Quote = (byte)'"';
    private const byte LineFeed = (byte)'\n';

    /// <summary>
    /// Reads <paramref name="part"/> (decrypting a container, authenticating every segment) and hands each chunk to
    /// <paramref name="emit"/>, which owns it from then on. A chunk is at least <paramref name="chunkBytes"/> long unless
    /// it is the part's last (it runs to the first row boundary at or after that size); an empty part gives no chunk.
    /// </summary>
    /// <exception cref="DatasetException">The part cannot be read (missing, wrong key, tampered); names the part.</exception>
    public static async Task ProduceAsync(
        IKeyManagementService kms,
        DatasetPart part,
        DatasetFormat format,
        DatasetReadOptions options,
        long chunkBytes,
        Func<TextChunk, ValueTask> emit,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        bool quoted = format == DatasetFormat.Csv;
        bool header = format == DatasetFormat.Csv && options.HasHeader;
        Stream plaintext = await PartReader.OpenPlaintextAsync(kms, part, cancellationToken).ConfigureAwait(false);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadBytes);
        TextChunk? current = null;
        try
        {
            await using (plaintext.ConfigureAwait(false))
            {
                long line = 1;
                bool insideQuotes = false;
                while (true)
                {
                    int read = await ReadAsync(plaintext, part, buffer, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    int offset = 0;
                    while (offset < read)
                    {
                        current ??= TextChunk.Create(part, line, header && line == 1);
                        ReadOnlySpan<byte> rest = buffer.AsSpan(offset, read - offset);
                        long room = chunkBytes - current.Length;
                        if (room > rest.Length)
                        {
                            // The chunk is not full yet: take everything.
                            current.Append(rest);
                            line += rest.Count(LineFeed);
                            insideQuotes ^= quoted && (rest.Count(Quote) & 1) == 1;
                            break;
                        }

                        // Full: cut at the first row boundary at or after the target size.
                        int from = (int)Math.Max(0, room - 1);
                        if (quoted)
                        {
                            insideQuotes ^= (rest[..from].Count(Quote) & 1) == 1;
                        }

                        int boundary = FindRowBoundary(rest, from, quoted, ref insideQuotes);
                        int take = boundary < 0 ? rest.Length : boundary + 1;
                        current.Append(rest[..take]);
                        line += rest[..take].Count(LineFeed);
                        offset += take;
                        if (boundary >= 0)
                        {
                            TextChunk full = current;
                            current = null;
                            await emit(full).ConfigureAwait(false);
                        }
                    }
                }

                if (current is { Length: > 0 })
                {
                    TextChunk last = current;
                    current = null;
                    await emit(last).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            current?.Dispose();
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The index of the first line feed at or after <paramref name="from"/> that ends a row, or -1; updates the quote state
    /// (which is the state at <paramref name="from"/> on entry) up to the returned position, or to the end when none.
    /// </summary>
    internal static int FindRowBoundary(ReadOnlySpan<byte> data, int from, bool quoted, ref bool insideQuotes)
    {
        if (!quoted)
        {
            int found = data[from..].IndexOf(LineFeed);
            return found < 0 ? -1 : from + found;
        }

        int position = from;
        while (position < data.Length)
        {
            int next = data[position..].IndexOfAny(Quote, LineFeed);
            if (next < 0)
            {
                return -1;
            }

            position += next;
            if (data[position] == Quote)
            {
                insideQuotes = !insideQuotes;
            }
            else if (!insideQuotes)
            {
                return position;
            }

            position++;
        }

        return -1;
    }

    private static async Task<int> ReadAsync(Stream plaintext, DatasetPart part, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await plaintext.ReadAtLeastAsync(buffer.AsMemory(0, ReadBytes), ReadBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PartReader.IsPartFailure(exception))
        {
            throw PartReader.Wrap(part, exception);
        }
    }
}
