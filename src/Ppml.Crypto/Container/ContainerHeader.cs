using System.Buffers.Binary;
using System.Text;

namespace Ppml.Crypto.Container;

/// <summary>
/// The parsed header of a PPML container. Parsing checks structure only; the header's authenticity is
/// established once the data key is known (opening or decrypting checks the header tag before anything else).
/// </summary>
public sealed class ContainerHeader
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _bytes;

    private ContainerHeader(byte[] bytes, int segmentSize, int keyVersion, string keyReference, int keyReferenceLength, int wrappedKeyLength)
    {
        _bytes = bytes;
        FormatVersion = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(ContainerFormat.VersionOffset));
        Algorithm = (ContainerAlgorithm)BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(ContainerFormat.AlgorithmOffset));
        SegmentSize = segmentSize;
        KeyVersion = keyVersion;
        KeyReference = keyReference;
        int wrappedOffset = ContainerFormat.FixedLength + keyReferenceLength;
        WrappedDataKey = bytes.AsSpan(wrappedOffset, wrappedKeyLength).ToArray();
        TagOffset = wrappedOffset + wrappedKeyLength;
    }

    /// <summary>The format version (this writer writes 1).</summary>
    public int FormatVersion { get; }

    /// <summary>The cryptographic suite.</summary>
    public ContainerAlgorithm Algorithm { get; }

    /// <summary>Plaintext bytes per segment (every segment but the last holds exactly this many).</summary>
    public int SegmentSize { get; }

    /// <summary>The KMS key reference recorded by the writer.</summary>
    public string KeyReference { get; }

    /// <summary>The version of the KMS key that wrapped the data key.</summary>
    public int KeyVersion { get; }

    /// <summary>The wrapped data key (opaque KMS output); unwrap it to obtain the data key.</summary>
    public ReadOnlyMemory<byte> WrappedDataKey { get; }

    /// <summary>The header length in bytes; the first segment starts at this offset from the container start.</summary>
    public int HeaderLength => _bytes.Length;

    /// <summary>The key information as one record (the same values as the individual properties).</summary>
    public ContainerKeyInfo KeyInfo => new(KeyReference, KeyVersion, WrappedDataKey);

    /// <summary>The complete header bytes, tag included.</summary>
    internal ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The bytes the header tag covers (everything before it).</summary>
    internal ReadOnlySpan<byte> AuthenticatedBytes => _bytes.AsSpan(0, TagOffset);

    internal ReadOnlySpan<byte> Tag => _bytes.AsSpan(TagOffset, ContainerFormat.HeaderTagSize);

    internal ReadOnlySpan<byte> Salt => _bytes.AsSpan(ContainerFormat.SaltOffset, ContainerFormat.SaltSize);

    internal ReadOnlySpan<byte> NoncePrefix => _bytes.AsSpan(ContainerFormat.NoncePrefixOffset, ContainerFormat.NoncePrefixSize);

    private int TagOffset { get; }

    /// <summary>
    /// Parses a header from the start of <paramref name="data"/>, which may hold more than the header.
    /// </summary>
    /// <exception cref="InvalidContainerException">Not a container, malformed, unsupported or too short.</exception>
    internal static ContainerHeader Parse(ReadOnlySpan<byte> data, string? path)
    {
        int headerLength = ValidatePrefix(data, path);
        if (data.Length < headerLength)
        {
            throw Truncated(data.Length, headerLength, path);
        }

        ReadOnlySpan<byte> header = data[..headerLength];
        int segmentSize = (int)BinaryPrimitives.ReadUInt32BigEndian(header[ContainerFormat.SegmentSizeOffset..]);
        int keyVersion = BinaryPrimitives.ReadInt32BigEndian(header[ContainerFormat.KeyVersionOffset..]);
        int keyReferenceLength = BinaryPrimitives.ReadUInt16BigEndian(header[ContainerFormat.KeyReferenceLengthOffset..]);
        int wrappedKeyLength = BinaryPrimitives.ReadUInt16BigEndian(header[ContainerFormat.WrappedKeyLengthOffset..]);

        string keyReference;
        try
        {
            keyReference = s_strictUtf8.GetString(header.Slice(ContainerFormat.FixedLength, keyReferenceLength));
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidContainerException(
                $"{Describe(path)}: the key reference at offset {ContainerFormat.FixedLength} ({keyReferenceLength} bytes) is not valid UTF-8.",
                ContainerFormat.FixedLength,
                path);
        }

        return new ContainerHeader(header.ToArray(), segmentSize, keyVersion, keyReference, keyReferenceLength, wrappedKeyLength);
    }

    /// <summary>
    /// Reads exactly the header from <paramref name="input"/> (leaving it positioned at the first segment) and parses it.
    /// </summary>
    internal static async Task<ContainerHeader> ReadAsync(Stream input, string? path, CancellationToken cancellationToken)
    {
        // The fixed part up to and including both length fields tells the total header length.
        const int LengthsEnd = ContainerFormat.SaltOffset;
        byte[] start = new byte[LengthsEnd];
        int read = await input.ReadAtLeastAsync(start, LengthsEnd, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        int headerLength = ValidatePrefix(start.AsSpan(0, read), path);
        if (read < LengthsEnd)
        {
            // ValidatePrefix throws for every short prefix; this keeps the invariant visible.
            throw Truncated(read, LengthsEnd, path);
        }

        byte[] header = new byte[headerLength];
        start.CopyTo(header, 0);
        int rest = headerLength - LengthsEnd;
        int restRead = await input.ReadAtLeastAsync(header.AsMemory(LengthsEnd), rest, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (restRead < rest)
        {
            throw Truncated(LengthsEnd + restRead, headerLength, path);
        }

        return Parse(header, path);
    }

    /// <summary>
    /// Builds a signed header for a new container: checks <paramref name="keyInfo"/>, draws the salt and nonce
    /// prefix from <paramref name="random"/>, and appends the HMAC-SHA256 header tag under the header key
    /// derived from <paramref name="dataKey"/> and the salt.
    /// </summary>
    internal static ContainerHeader Create(ContainerKeyInfo keyInfo, int segmentSize, RandomFill random, ReadOnlySpan<byte> dataKey)
    {
        byte[] keyReference = EncodeKeyReference(keyInfo);
        ReadOnlySpan<byte> wrapped = keyInfo.WrappedDataKey.Span;
        int tagOffset = ContainerFormat.FixedLength + keyReference.Length + wrapped.Length;
        byte[] bytes = new byte[tagOffset + ContainerFormat.HeaderTagSize];
        Span<byte> span = bytes;
        ContainerFormat.Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16BigEndian(span[ContainerFormat.VersionOffset..], ContainerFormat.Version1);
        BinaryPrimitives.WriteUInt16BigEndian(span[ContainerFormat.AlgorithmOffset..], (ushort)ContainerAlgorithm.Aes256GcmHkdfSha256);
        BinaryPrimitives.WriteUInt32BigEndian(span[ContainerFormat.SegmentSizeOffset..], (uint)segmentSize);
        BinaryPrimitives.WriteInt32BigEndian(span[ContainerFormat.KeyVersionOffset..], keyInfo.KeyVersion);
        BinaryPrimitives.WriteUInt16BigEndian(span[ContainerFormat.KeyReferenceLengthOffset..], (ushort)keyReference.Length);
        BinaryPrimitives.WriteUInt16BigEndian(span[ContainerFormat.WrappedKeyLengthOffset..], (ushort)wrapped.Length);
        random(span.Slice(ContainerFormat.SaltOffset, ContainerFormat.SaltSize));
        random(span.Slice(ContainerFormat.NoncePrefixOffset, ContainerFormat.NoncePrefixSize));
        keyReference.CopyTo(span[ContainerFormat.FixedLength..]);
        wrapped.CopyTo(span[(ContainerFormat.FixedLength + keyReference.Length)..]);
        ContainerKeys.ComputeHeaderTag(dataKey, span.Slice(ContainerFormat.SaltOffset, ContainerFormat.SaltSize), span[..tagOffset], span[tagOffset..]);
        return Parse(bytes, path: null);
    }

    /// <summary>Validates <paramref name="keyInfo"/> for writing and returns the UTF-8 key reference.</summary>
    internal static byte[] EncodeKeyReference(ContainerKeyInfo keyInfo)
    {
        ArgumentNullException.ThrowIfNull(keyInfo);
        if (string.IsNullOrEmpty(keyInfo.KeyReference))
        {
            throw new ArgumentException("ContainerKeyInfo.KeyReference must not be empty.", nameof(keyInfo));
        }

        byte[] keyReference;
        try
        {
            keyReference = s_strictUtf8.GetBytes(keyInfo.KeyReference);
        }
        catch (EncoderFallbackException exception)
        {
            throw new ArgumentException("ContainerKeyInfo.KeyReference is not valid UTF-16 (it has an unpaired surrogate).", nameof(keyInfo), exception);
        }

        if (keyReference.Length > PpmlContainer.MaxKeyReferenceLength)
        {
            throw new ArgumentException(
                $"ContainerKeyInfo.KeyReference is {keyReference.Length} UTF-8 bytes; at most {PpmlContainer.MaxKeyReferenceLength} are allowed.",
                nameof(keyInfo));
        }

        if (keyInfo.KeyVersion < 0)
        {
            throw new ArgumentException($"ContainerKeyInfo.KeyVersion must be zero or positive; found {keyInfo.KeyVersion}.", nameof(keyInfo));
        }

        int wrappedLength = keyInfo.WrappedDataKey.Length;
        if (wrappedLength is < 1 or > PpmlContainer.MaxWrappedDataKeyLength)
        {
            throw new ArgumentException(
                $"ContainerKeyInfo.WrappedDataKey is {wrappedLength} bytes; it must be 1 to {PpmlContainer.MaxWrappedDataKeyLength}.",
                nameof(keyInfo));
        }

        return keyReference;
    }

    /// <summary>
    /// Checks as much of the header as <paramref name="data"/> holds, in order, and returns the total header
    /// length once both length fields are visible. Throws for the first problem found, including a prefix too
    /// short to tell the header length.
    /// </summary>
    internal static int ValidatePrefix(ReadOnlySpan<byte> data, string? path)
    {
        ReadOnlySpan<byte> magic = ContainerFormat.Magic;
        int magicAvailable = Math.Min(data.Length, magic.Length);
        for (int i = 0; i < magicAvailable; i++)
        {
            if (data[i] != magic[i])
            {
                throw new InvalidContainerException(
                    $"{Describe(path)} is not a PPML container: at offset 0 expected the magic {Convert.ToHexString(magic)}, " +
                    $"found {Convert.ToHexString(data[..magicAvailable])}.",
                    ContainerFormat.MagicOffset,
                    path);
            }
        }

        if (data.Length < ContainerFormat.SaltOffset)
        {
            throw Truncated(data.Length, ContainerFormat.SaltOffset, path);
        }

        ushort version = BinaryPrimitives.ReadUInt16BigEndian(data[ContainerFormat.VersionOffset..]);
        if (version != ContainerFormat.Version1)
        {
            throw new InvalidContainerException(
                $"{Describe(path)}: format version {version} at offset {ContainerFormat.VersionOffset} is not supported; this reader supports version {ContainerFormat.Version1}. " +
                "A newer writer produced it: upgrade PPML.",
                ContainerFormat.VersionOffset,
                path);
        }

        ushort algorithm = BinaryPrimitives.ReadUInt16BigEndian(data[ContainerFormat.AlgorithmOffset..]);
        if (algorithm != (ushort)ContainerAlgorithm.Aes256GcmHkdfSha256)
        {
            throw new InvalidContainerException(
                $"{Describe(path)}: the algorithm at offset {ContainerFormat.AlgorithmOffset} is {algorithm}; expected {(ushort)ContainerAlgorithm.Aes256GcmHkdfSha256} (AES-256-GCM, HKDF-SHA256).",
                ContainerFormat.AlgorithmOffset,
                path);
        }

        uint segmentSize = BinaryPrimitives.ReadUInt32BigEndian(data[ContainerFormat.SegmentSizeOffset..]);
        if (segmentSize is < ContainerOptions.MinSegmentSize or > ContainerOptions.MaxSegmentSize)
        {
            throw new InvalidContainerException(
                $"{Describe(path)}: the segment size at offset {ContainerFormat.SegmentSizeOffset} is {segmentSize}; expected {ContainerOptions.MinSegmentSize} to {ContainerOptions.MaxSegmentSize}.",
                ContainerFormat.SegmentSizeOffset,
                path);
        }

        int keyVersion = BinaryPrimitives.ReadInt32BigEndian(data[ContainerFormat.KeyVersionOffset..]);
        if (keyVersion < 0)
        {
            throw new InvalidContainerException(
                $"{Describe(path)}: the key version at offset {ContainerFormat.KeyVersionOffset} is {keyVersion}; expected zero or positive.",
                ContainerFormat.KeyVersionOffset,
                path);
        }

        ushort keyReferenceLength = BinaryPrimitives.ReadUInt16BigEndian(data[ContainerFormat.KeyReferenceLengthOffset..]);
        if (keyReferenceLength is < 1 or > PpmlContainer.MaxKeyReferenceLength)
        {
            throw new InvalidContainerException(
                $"{Describe(path)}: the key reference length at offset {ContainerFormat.KeyReferenceLengthOffset} is {keyReferenceLength}; expected 1 to {PpmlContainer.MaxKeyReferenceLength}.",
                ContainerFormat.KeyReferenceLengthOffset,
                path);
        }

        ushort wrappedKeyLength = BinaryPrimitives.ReadUInt16BigEndian(data[ContainerFormat.WrappedKeyLengthOffset..]);
        if (wrappedKeyLength is < 1 or > PpmlContainer.MaxWrappedDataKeyLength)
        {
            throw new InvalidContainerException(
                $"{Describe(path)}: the wrapped data key length at offset {ContainerFormat.WrappedKeyLengthOffset} is {wrappedKeyLength}; expected 1 to {PpmlContainer.MaxWrappedDataKeyLength}.",
                ContainerFormat.WrappedKeyLengthOffset,
                path);
        }

        return ContainerFormat.HeaderOverhead + keyReferenceLength + wrappedKeyLength;
    }

    internal static string Describe(string? path) => path is null ? "The input" : $"'{path}'";

    private static InvalidContainerException Truncated(int found, int expected, string? path) =>
        new(
            $"{Describe(path)}: the header is truncated at offset {found}: expected {expected} header bytes, found {found}. " +
            "The file is incomplete or is not a PPML container.",
            found,
            path);
}
