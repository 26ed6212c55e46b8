using System.Security.Cryptography;
using System.Text;
using Ppml.Attestation.Quotes;

namespace Ppml.Attestation.Simulation;

/// <summary>Test quotes for asserted measurements, signed by a saved simulated platform.</summary>
public static class SimulatedQuotes
{
    /// <summary>MRENCLAVE of a test quote when none is asserted: SHA-256("ppml-simulated-enclave").</summary>
    public static ReadOnlyMemory<byte> DefaultMrEnclave { get; } = SHA256.HashData(Encoding.ASCII.GetBytes("ppml-simulated-enclave"));

    /// <summary>MRSIGNER of a test quote when none is asserted: SHA-256("ppml-simulated-enclave-signer").</summary>
    public static ReadOnlyMemory<byte> DefaultMrSigner { get; } = SHA256.HashData(Encoding.ASCII.GetBytes("ppml-simulated-enclave-signer"));

    /// <summary>MRTD of a test quote when none is asserted: SHA-384("ppml-simulated-td").</summary>
    public static ReadOnlyMemory<byte> DefaultMrTd { get; } = SHA384.HashData(Encoding.ASCII.GetBytes("ppml-simulated-td"));

    /// <summary>Loads the platform and signs a quote for the asserted measurement.</summary>
    /// <param name="request">The platform, report data and measurement.</param>
    /// <param name="cancellationToken">Cancels loading the platform.</param>
    /// <returns>The quote bytes (SGX v3 or TDX v4).</returns>
    /// <exception cref="ArgumentException">The report data is longer than 64 bytes, or a measurement has the wrong length.</exception>
    /// <exception cref="FileNotFoundException">A platform file is missing.</exception>
    /// <exception cref="AttestationFormatException">A platform file is malformed.</exception>
    public static async Task<byte[]> CreateAsync(SimulatedQuoteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ReadOnlyMemory<byte> mrEnclave = request.MrEnclave ?? DefaultMrEnclave;
        ReadOnlyMemory<byte> mrSigner = request.MrSigner ?? DefaultMrSigner;
        ReadOnlyMemory<byte> mrTd = request.MrTd ?? DefaultMrTd;
        Require(request.ReportData.Length <= 64, nameof(request.ReportData), "at most 64 bytes", request.ReportData.Length);
        Require(mrEnclave.Length == 32, nameof(request.MrEnclave), "32 bytes", mrEnclave.Length);
        Require(mrSigner.Length == 32, nameof(request.MrSigner), "32 bytes", mrSigner.Length);
        Require(mrTd.Length == 48, nameof(request.MrTd), "48 bytes", mrTd.Length);

        using SimulatedPlatform platform = await SimulatedPlatform.LoadAsync(request.PlatformDirectory, cancellationToken).ConfigureAwait(false);
        return request.Tee == TeeType.Tdx
            ? platform.CreateTdxQuote(request.ReportData.Span, mrTd.Span)
            : platform.CreateSgxQuote(request.ReportData.Span, mrEnclave.Span, mrSigner.Span, request.IsvProdId, request.IsvSvn);
    }

    private static void Require(bool condition, string name, string expected, int actual)
    {
        if (!condition)
        {
            throw new ArgumentException($"{name} must be {expected}; got {actual}.", name);
        }
    }
}
