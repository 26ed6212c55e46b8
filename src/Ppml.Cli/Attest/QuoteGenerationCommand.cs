using System.Security.Cryptography;
using System.Text;
using Ppml.Attestation;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Core.IO;

namespace Ppml.Cli.Attest;

/// <summary><c>ppml attest quote --report-data HEX --out FILE</c> without the console: a simulated quote.</summary>
internal static class QuoteGenerationCommand
{
    /// <summary>MRENCLAVE of simulated quotes when none is given: SHA-256("ppml-simulated-enclave").</summary>
    public static ReadOnlyMemory<byte> DefaultMrEnclave { get; } = SHA256.HashData(Encoding.ASCII.GetBytes("ppml-simulated-enclave"));

    /// <summary>MRSIGNER of simulated quotes when none is given: SHA-256("ppml-simulated-enclave-signer").</summary>
    public static ReadOnlyMemory<byte> DefaultMrSigner { get; } = SHA256.HashData(Encoding.ASCII.GetBytes("ppml-simulated-enclave-signer"));

    /// <summary>MRTD of simulated quotes when none is given: SHA-384("ppml-simulated-td").</summary>
    public static ReadOnlyMemory<byte> DefaultMrTd { get; } = SHA384.HashData(Encoding.ASCII.GetBytes("ppml-simulated-td"));

    /// <summary>Loads the platform, signs a quote and writes it (binary) atomically.</summary>
    /// <param name="request">The inputs.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The quote bytes that were written.</returns>
    /// <exception cref="AttestationFormatException">A hex argument is malformed, or the platform files are.</exception>
    /// <exception cref="FileNotFoundException">A platform file is missing.</exception>
    public static async Task<byte[]> RunAsync(QuoteGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] reportData = Decode(request.ReportDataHex, "--report-data", max: 64, exact: null);
        using SimulatedPlatform platform = await SimulatedPlatform.LoadAsync(request.PlatformDirectory, cancellationToken).ConfigureAwait(false);
        byte[] quote = request.Tee == TeeType.Tdx
            ? platform.CreateTdxQuote(reportData, Optional(request.MrTdHex, "--mr-td", 48, DefaultMrTd))
            : platform.CreateSgxQuote(
                reportData,
                Optional(request.MrEnclaveHex, "--mr-enclave", 32, DefaultMrEnclave),
                Optional(request.MrSignerHex, "--mr-signer", 32, DefaultMrSigner),
                request.IsvProdId,
                request.IsvSvn);
        await AtomicFile.WriteAllBytesAsync(request.OutPath, quote, overwrite: true, mode: null, cancellationToken).ConfigureAwait(false);
        return quote;
    }

    private static byte[] Optional(string? hex, string option, int length, ReadOnlyMemory<byte> fallback) =>
        hex is null ? fallback.ToArray() : Decode(hex, option, length, length);

    private static byte[] Decode(string hex, string option, int max, int? exact)
    {
        if (!QuoteEncoding.TryDecodeHex(hex, out byte[]? bytes) || bytes.Length > max || (exact is { } length && bytes.Length != length))
        {
            throw new AttestationFormatException(
                $"{option} must be {(exact is null ? $"at most {max}" : $"exactly {exact}")} bytes of hex.", option, null);
        }

        return bytes;
    }
}
