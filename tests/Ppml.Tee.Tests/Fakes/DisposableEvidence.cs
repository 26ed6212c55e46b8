using Ppml.Core;
using Ppml.Tee.Evidence;

namespace Ppml.Tee.Tests.Fakes;

/// <summary>Evidence of a given kind that records whether its owner disposed it (it never quotes).</summary>
internal sealed class DisposableEvidence(TeeKind kind) : IEvidenceProvider, IDisposable
{
    public TeeKind Kind => kind;

    public bool IsDisposed { get; private set; }

    public Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken = default) =>
        Task.FromException<byte[]>(new TeeException("The test provider does not quote."));

    public void Dispose() => IsDisposed = true;
}
