namespace Ppml.Crypto.Container;

/// <summary>
/// Where each segment of a container of known length lies. With H the header length, S the segment size and
/// B = containerLength - H the body length: n = ceil(B / (S + 16)) segments, the last one holding
/// B - (n - 1)(S + 16) - 16 plaintext bytes, so the plaintext length is B - 16n.
/// </summary>
internal readonly record struct ContainerLayout(int HeaderLength, int SegmentSize, long SegmentCount, int FinalSegmentLength)
{
    /// <summary>Ciphertext bytes of a non-final segment.</summary>
    public int StoredSegmentSize => SegmentSize + ContainerFormat.TagSize;

    public long PlaintextLength => ((SegmentCount - 1) * SegmentSize) + FinalSegmentLength;

    public long FinalIndex => SegmentCount - 1;

    /// <summary>Offset of segment <paramref name="index"/> from the container start.</summary>
    public long OffsetOf(long index) => HeaderLength + (index * StoredSegmentSize);

    public int PlaintextLengthOf(long index) => index == FinalIndex ? FinalSegmentLength : SegmentSize;

    public int StoredLengthOf(long index) => PlaintextLengthOf(index) + ContainerFormat.TagSize;

    /// <summary>
    /// Derives the layout from the container length. A body that cannot be a sequence of segments ending in
    /// a final one (too short for a tag, an empty final segment after others, too many segments) is reported
    /// as the truncation or extension it is.
    /// </summary>
    /// <exception cref="ContainerAuthenticationException">The length is impossible for an intact container.</exception>
    public static ContainerLayout FromContainerLength(ContainerHeader header, long containerLength, string? path)
    {
        int stored = header.SegmentSize + ContainerFormat.TagSize;
        long body = containerLength - header.HeaderLength;
        if (body <= 0)
        {
            throw SegmentCipher.Truncated(0, Math.Max(body, 0), path);
        }

        long count = (body / stored) + (body % stored == 0 ? 0 : 1);
        long finalStored = body - ((count - 1) * stored);
        if (count > ContainerFormat.MaxSegmentCount)
        {
            throw SegmentCipher.TooManySegments(count - 1, path);
        }

        if (finalStored < ContainerFormat.TagSize)
        {
            throw SegmentCipher.Truncated(count - 1, finalStored, path);
        }

        if (finalStored == ContainerFormat.TagSize && count > 1)
        {
            throw SegmentCipher.UnexpectedEmptyFinal(count - 1, path);
        }

        return new ContainerLayout(header.HeaderLength, header.SegmentSize, count, (int)(finalStored - ContainerFormat.TagSize));
    }
}
