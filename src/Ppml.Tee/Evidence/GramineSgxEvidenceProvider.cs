using Ppml.Core;
using Ppml.Tee.IO;

namespace Ppml.Tee.Evidence;

/// <summary>
/// SGX evidence inside Gramine: write 64 bytes to <c>/dev/attestation/user_report_data</c>, then read
/// <c>/dev/attestation/quote</c> (Gramine's attestation pseudo-files, with <c>attestation_type</c> = <c>dcap</c>).
/// </summary>
public sealed class GramineSgxEvidenceProvider : IEvidenceProvider, IDisposable
{
    /// <summary>The Gramine attestation directory.</summary>
    public const string AttestationDirectory = "/dev/attestation";

    internal const string AttestationTypePath = AttestationDirectory + "/attestation_type";
    internal const string UserReportDataPath = AttestationDirectory + "/user_report_data";
    internal const string QuotePath = AttestationDirectory + "/quote";

    private readonly ITeeFileSystem _fileSystem;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates the provider over <paramref name="fileSystem"/>.</summary>
    /// <param name="fileSystem">The file system holding <c>/dev/attestation</c>.</param>
    public GramineSgxEvidenceProvider(ITeeFileSystem fileSystem)
    {
        _fileSystem = fileSystem;
    }

    /// <inheritdoc />
    public TeeKind Kind => TeeKind.Sgx;

    /// <summary>Whether Gramine's DCAP attestation interface is present.</summary>
    /// <param name="fileSystem">The file system to probe.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns><see langword="true"/> when <c>attestation_type</c> reads <c>dcap</c>.</returns>
    public static async Task<bool> IsAvailableAsync(ITeeFileSystem fileSystem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        if (!fileSystem.FileExists(AttestationTypePath))
        {
            return false;
        }

        byte[] type = await fileSystem.ReadAllBytesAsync(AttestationTypePath, cancellationToken).ConfigureAwait(false);
        return System.Text.Encoding.ASCII.GetString(type).Trim('\0', '\n', ' ') == "dcap";
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    /// <inheritdoc />
    public async Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken = default)
    {
        ReportData.Validate(reportData);

        // The two pseudo-files form one transaction per process: serialize concurrent callers.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!await IsAvailableAsync(_fileSystem, cancellationToken).ConfigureAwait(false))
            {
                throw new TeeException(
                    $"Gramine's DCAP attestation is unavailable: {AttestationTypePath} is missing or not 'dcap' (set sgx.remote_attestation = \"dcap\" in the manifest).");
            }

            await _fileSystem.WriteAllBytesAsync(UserReportDataPath, reportData, cancellationToken).ConfigureAwait(false);
            byte[] quote = await _fileSystem.ReadAllBytesAsync(QuotePath, cancellationToken).ConfigureAwait(false);
            QuoteShape.RequireReportData(quote, reportData.Span, QuotePath);
            return quote;
        }
        finally
        {
            _gate.Release();
        }
    }
}
