namespace Ppml.Crypto.Container;

/// <summary>Fills a buffer with random bytes. Only tests substitute a deterministic source.</summary>
/// <param name="destination">The bytes to fill.</param>
internal delegate void RandomFill(Span<byte> destination);
