using Ppml.Core;
namespace Ppml.Tee.Evidence;

/// <summary>Produces attestation evidence (a DCAP quote) binding 64 bytes of report data chosen by the caller.</summary>
public interface IEvidenceProvider
{
    /// <summary>The TEE this provider speaks for.</summary>
    TeeKind Kind { get; }

    /// <summary>Produces a quote whose report data is <paramref name="reportData"/> (exactly 64 bytes).</summary>
    /// <exception cref="TeeException">The TEE refused or returned something that is not a quote.</exception>
    Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken = default);
}
