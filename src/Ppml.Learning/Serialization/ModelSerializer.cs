using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Ppml.Learning.Layers;

namespace Ppml.Learning.Serialization;

/// <summary>
/// Reads and writes models in the PPML model format v1 (docs/learning.md): magic <c>PPMLMODL</c>, version,
/// the architecture text, the flat parameters and state as little-endian float32, and a SHA-256 of everything
/// before it. The format carries no secrets: confidentiality and authenticity at rest come from the PPML
/// container the CLI wraps around the stream; the checksum catches corruption and truncation.
/// </summary>
public static class ModelSerializer
{
    /// <summary>The 8 magic bytes, ASCII <c>PPMLMODL</c>.</summary>
    public static ReadOnlySpan<byte> Magic => "PPMLMODL"u8;

    /// <summary>The version this build writes (and the only one it reads).</summary>
    public const ushort CurrentVersion = 1;

    /// <summary>Longest architecture text accepted, in bytes.</summary>
    internal const int MaxArchitectureBytes = 1 << 16;

    /// <summary>Most parameters plus state values a loaded model may declare (1 GiB of float32).</summary>
    internal const long MaxParameters = 1L << 28;

    /// <summary>Most activation values one sample may need (256 MiB of float32 per sample).</summary>
    internal const long MaxActivationsPerSample = 1L << 26;

    private const int HeaderSize = 16;
    private const int ChunkFloats = 1 << 14;

    /// <summary>Writes <paramref name="model"/> (architecture, parameters, state) to <paramref name="stream"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="stream">Destination; left open. Wrap it in an encrypting stream to protect the model.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when every byte has been written (the stream is flushed).</returns>
    public static async Task SaveAsync(Sequential model, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] architecture = Encoding.UTF8.GetBytes(model.Architecture);
        byte[] header = new byte[HeaderSize + architecture.Length + 8];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), architecture.Length);
        architecture.CopyTo(header, HeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(HeaderSize + architecture.Length), model.ParameterBuffer.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(HeaderSize + architecture.Length + 4), model.StateBuffer.Length);
        await WriteAsync(stream, hash, header, cancellationToken).ConfigureAwait(false);

        byte[] chunk = new byte[ChunkFloats * sizeof(float)];
        foreach (float[] values in new[] { model.ParameterBuffer, model.StateBuffer })
        {
            for (int start = 0; start < values.Length; start += ChunkFloats)
            {
                int count = Math.Min(ChunkFloats, values.Length - start);
                EncodeFloats(values.AsSpan(start, count), chunk);
                await WriteAsync(stream, hash, chunk.AsMemory(0, count * sizeof(float)), cancellationToken).ConfigureAwait(false);
            }
        }

        await stream.WriteAsync(hash.GetHashAndReset(), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a model written by <see cref="SaveAsync"/>.</summary>
    /// <param name="stream">Source (for example a decrypting stream); read to its end, left open.</param>
    /// <param name="expectedArchitecture">
    /// When not null, the model must have exactly this architecture (for example <see cref="Training.LeNet5.Architecture"/>).
    /// </param>
    /// <param name="inputName">Name used in error messages.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The model, ready to evaluate, predict or train further.</returns>
    /// <exception cref="LearningFormatException">
    /// Not a model file, unsupported version, corrupt or truncated, checksum mismatch, unknown layer, or an
    /// architecture other than <paramref name="expectedArchitecture"/>.
    /// </exception>
    public static async Task<Sequential> LoadAsync(
        Stream stream, string? expectedArchitecture = null, string inputName = "model", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(inputName);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] header = new byte[HeaderSize];
        await ReadAsync(stream, hash, header, inputName, "the 16-byte header", 0, cancellationToken).ConfigureAwait(false);
        if (!header.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw LearningFormatException.For(inputName, $"magic at offset 0 is {Convert.ToHexString(header, 0, 8)}, expected 'PPMLMODL'; this is not a PPML model (or it is still encrypted)");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8));
        if (version != CurrentVersion)
        {
            throw LearningFormatException.For(inputName, $"model format version {version} at offset 8 is not supported; this build reads version {CurrentVersion}");
        }

        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(10));
        if (flags != 0)
        {
            throw LearningFormatException.For(inputName, $"reserved flags at offset 10 are 0x{flags:X4}, expected 0");
        }

        int architectureLength = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
        if (architectureLength is <= 0 or > MaxArchitectureBytes)
        {
            throw LearningFormatException.For(inputName, $"architecture length {architectureLength} at offset 12 is outside 1..{MaxArchitectureBytes}");
        }

        byte[] architectureBytes = new byte[architectureLength + 8];
        await ReadAsync(stream, hash, architectureBytes, inputName, "the architecture and counts", HeaderSize, cancellationToken).ConfigureAwait(false);
        string architecture;
        try
        {
            architecture = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(architectureBytes, 0, architectureLength);
        }
        catch (DecoderFallbackException exception)
        {
            throw new LearningFormatException(inputName, $"architecture at offset {HeaderSize} is not valid UTF-8", exception);
        }

        if (expectedArchitecture is not null && !string.Equals(architecture, expectedArchitecture, StringComparison.Ordinal))
        {
            throw LearningFormatException.For(inputName, "holds a model of another architecture: " + DescribeDifference(architecture, expectedArchitecture));
        }

        Sequential model = Build(architecture, inputName);
        int parameterCount = BinaryPrimitives.ReadInt32LittleEndian(architectureBytes.AsSpan(architectureLength));
        int stateCount = BinaryPrimitives.ReadInt32LittleEndian(architectureBytes.AsSpan(architectureLength + 4));
        if (parameterCount != model.ParameterBuffer.Length || stateCount != model.StateBuffer.Length)
        {
            throw LearningFormatException.For(
                inputName,
                $"declares {parameterCount} parameters and {stateCount} state values at offset {HeaderSize + architectureLength}, but its architecture has {model.ParameterBuffer.Length} and {model.StateBuffer.Length}");
        }

        long offset = HeaderSize + architectureBytes.Length;
        byte[] chunk = new byte[ChunkFloats * sizeof(float)];
        foreach (float[] values in new[] { model.ParameterBuffer, model.StateBuffer })
        {
            for (int start = 0; start < values.Length; start += ChunkFloats)
            {
                int count = Math.Min(ChunkFloats, values.Length - start);
                Memory<byte> bytes = chunk.AsMemory(0, count * sizeof(float));
                await ReadAsync(stream, hash, bytes, inputName, $"{values.Length} float32 values", offset, cancellationToken).ConfigureAwait(false);
                DecodeFloats(bytes.Span, values.AsSpan(start, count));
                offset += bytes.Length;
            }
        }

        byte[] expectedHash = hash.GetHashAndReset();
        byte[] storedHash = new byte[expectedHash.Length];
        int read = await stream.ReadAtLeastAsync(storedHash, storedHash.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < storedHash.Length)
        {
            throw LearningFormatException.For(inputName, $"truncated at offset {offset + read}: expected the 32-byte SHA-256 checksum, got {read} bytes");
        }

        if (!CryptographicOperations.FixedTimeEquals(expectedHash, storedHash))
        {
            throw LearningFormatException.For(inputName, $"SHA-256 checksum at offset {offset} does not match the content; the model file is corrupt");
        }

        if (await stream.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
        {
            throw LearningFormatException.For(inputName, $"unexpected bytes after the checksum at offset {offset + storedHash.Length}");
        }

        return model;
    }

    /// <summary>Builds an (uninitialized) model from its architecture text.</summary>
    internal static Sequential Build(string architecture, string inputName)
    {
        string[] lines = architecture.Split('\n');
        if (!lines[0].StartsWith("Input(", StringComparison.Ordinal) || !lines[0].EndsWith(')'))
        {
            throw LearningFormatException.For(inputName, "architecture line 1 is not 'Input(shape)'");
        }

        if (lines.Length < 2)
        {
            throw LearningFormatException.For(inputName, "architecture has no layers");
        }

        int lineNumber = 1;
        try
        {
            int[] inputShape = LayerFactory.ParseShape(lines[0]["Input(".Length..^1]);
            var layers = new List<Layer>(lines.Length - 1);
            for (lineNumber = 2; lineNumber <= lines.Length; lineNumber++)
            {
                layers.Add(LayerFactory.Parse(lines[lineNumber - 1]));
            }

            lineNumber = 0;
            (long parameters, long activations) = Sequential.Measure(inputShape, layers);
            if (parameters > MaxParameters || activations > MaxActivationsPerSample)
            {
                throw LearningFormatException.For(
                    inputName,
                    $"architecture needs {parameters} parameters and {activations} activations per sample; this build loads at most {MaxParameters} and {MaxActivationsPerSample}");
            }

            return new Sequential(inputShape, layers);
        }
        catch (FormatException exception)
        {
            throw new LearningFormatException(inputName, $"architecture line {lineNumber}: {exception.Message}", exception);
        }
        catch (ArgumentException exception)
        {
            throw new LearningFormatException(inputName, $"architecture is inconsistent: {exception.Message}", exception);
        }
    }

    private static string DescribeDifference(string actual, string expected)
    {
        string[] actualLines = actual.Split('\n');
        string[] expectedLines = expected.Split('\n');
        for (int i = 0; i < Math.Max(actualLines.Length, expectedLines.Length); i++)
        {
            string a = i < actualLines.Length ? actualLines[i] : "(end)";
            string e = i < expectedLines.Length ? expectedLines[i] : "(end)";
            if (!string.Equals(a, e, StringComparison.Ordinal))
            {
                return $"line {i + 1} is '{Shorten(a)}', expected '{Shorten(e)}'";
            }
        }

        return "the texts differ";
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private static void EncodeFloats(ReadOnlySpan<float> values, Span<byte> bytes)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(bytes);
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes[(i * sizeof(float))..], values[i]);
        }
    }

    private static void DecodeFloats(ReadOnlySpan<byte> bytes, Span<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(values));
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }
    }

    private static async Task WriteAsync(Stream stream, IncrementalHash hash, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        hash.AppendData(bytes.Span);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ReadAsync(Stream stream, IncrementalHash hash, Memory<byte> buffer, string inputName, string what, long offset, CancellationToken cancellationToken)
    {
        int read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < buffer.Length)
        {
            throw LearningFormatException.For(inputName, $"truncated at offset {offset + read}: expected {what} ({buffer.Length} bytes from offset {offset}), got {read}");
        }

        hash.AppendData(buffer.Span);
    }
}
