namespace Ppml.Crypto.Container;

/// <summary>Options for writing a container.</summary>
public sealed class ContainerOptions
{
    /// <summary>The default segment size: 1 MiB of plaintext per segment.</summary>
    public const int DefaultSegmentSize = 1 << 20;

    /// <summary>The smallest segment size a container may declare: 4 KiB.</summary>
    public const int MinSegmentSize = 4 * 1024;

    /// <summary>The largest segment size a container may declare: 64 MiB.</summary>
    public const int MaxSegmentSize = 64 * 1024 * 1024;

    /// <summary>
    /// Plaintext bytes per segment. Every segment but the last holds exactly this many; memory use of readers
    /// and writers is about one or two segments. Must be between <see cref="MinSegmentSize"/> and
    /// <see cref="MaxSegmentSize"/>.
    /// </summary>
    /// <value>Default: 1 MiB.</value>
    public int SegmentSize { get; init; } = DefaultSegmentSize;

    /// <summary>
    /// Test hook: fills the salt and nonce prefix. <see langword="null"/> (always, outside tests) means
    /// <see cref="System.Security.Cryptography.RandomNumberGenerator"/>.
    /// </summary>
    internal RandomFill? RandomSource { get; init; }

    internal void Validate(string parameterName)
    {
        if (SegmentSize is < MinSegmentSize or > MaxSegmentSize)
        {
            throw new ArgumentOutOfRangeException(
                parameterName,
                SegmentSize,
                $"ContainerOptions.SegmentSize must be between {MinSegmentSize} and {MaxSegmentSize} bytes.");
        }
    }
}
