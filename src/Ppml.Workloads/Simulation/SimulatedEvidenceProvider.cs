using Ppml.Core;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Tee;
using Ppml.Tee.Evidence;
using Ppml.Tee.Measurement;

namespace Ppml.Workloads.Simulation;

/// <summary>
/// Simulation-mode evidence: quotes in Intel's exact SGX v3 (or TDX v4) layout, signed by the simulated quoting
/// enclave of a <see cref="SimulatedPlatform"/>, carrying the MRENCLAVE, MRSIGNER, ISVPRODID, ISVSVN and debug flag of
/// an enclave whose trusted files were verified (<see cref="EnclaveSigner.VerifyAsync(SignedEnclave, string, IReadOnlyList{RuntimeComponent}, CancellationToken)"/>). Its PCK chain ends in the
/// simulated root, which no verifier trusts unless its operator configures it; tokens for such evidence say
/// <c>"tee": "simulation"</c>. It supplies its own collateral. Thread-safe. Hosts compose it through
/// <see cref="SimulatedTee.Evidence"/> (the <see cref="TeeRuntimeOptions.SimulatedEvidence"/> hook); Ppml.Tee never does.
/// </summary>
public sealed class SimulatedEvidenceProvider : IEvidenceProvider, IEvidenceCollateralSource, IDisposable
{
    private static readonly byte[] s_mrTdDomain = Encoding.ASCII.GetBytes("PPML-SIM-MRTD-v1\0");

    private readonly SimulatedPlatform _platform;
    private readonly bool _ownsPlatform;
    private readonly Lock _gate = new();

    /// <summary>Creates the provider. It does not take ownership of <paramref name="platform"/>.</summary>
    /// <param name="platform">The simulated platform whose quoting enclave signs.</param>
    /// <param name="identity">The verified identity of the enclave the quotes speak for.</param>
    /// <param name="quoteType">SGX (quote v3, the default) or TDX (quote v4, with <see cref="SimulatedMrTd"/> as MRTD).</param>
    public SimulatedEvidenceProvider(SimulatedPlatform platform, EnclaveIdentity identity, TeeType quoteType = TeeType.Sgx)
        : this(platform, identity, quoteType, ownsPlatform: false)
    {
    }

    /// <summary>Creates the provider; with <paramref name="ownsPlatform"/> its <see cref="Dispose"/> disposes the platform.</summary>
    internal SimulatedEvidenceProvider(SimulatedPlatform platform, EnclaveIdentity identity, TeeType quoteType, bool ownsPlatform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(identity);
        if (identity.MrEnclave.Length != 32 || identity.MrSigner.Length != 32)
        {
            throw new ArgumentException("The enclave identity needs a 32-byte MRENCLAVE and a 32-byte MRSIGNER.", nameof(identity));
        }

        if (!Enum.IsDefined(quoteType))
        {
            throw new ArgumentOutOfRangeException(nameof(quoteType), quoteType, "Use TeeType.Sgx or TeeType.Tdx.");
        }

        _platform = platform;
        _ownsPlatform = ownsPlatform;
        Identity = identity;
        QuoteType = quoteType;
    }

    /// <inheritdoc />
    public TeeKind Kind => TeeKind.Simulation;

    /// <summary>The identity every quote carries.</summary>
    public EnclaveIdentity Identity { get; }

    /// <summary>The quote layout produced: SGX v3 or TDX v4.</summary>
    public TeeType QuoteType { get; }

    /// <summary>
    /// The MRTD a simulated TD reports for <paramref name="identity"/>: SHA-384 over a domain tag, MRENCLAVE, MRSIGNER,
    /// ISVPRODID and ISVSVN (a real TD's MRTD measures its firmware and boot; there is no TD here to measure).
    /// </summary>
    /// <param name="identity">The enclave identity.</param>
    /// <returns>48 bytes.</returns>
    public static byte[] SimulatedMrTd(EnclaveIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        byte[] versions = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(versions, identity.IsvProdId);
        BinaryPrimitives.WriteUInt16LittleEndian(versions.AsSpan(2), identity.IsvSvn);
        return SHA384.HashData([.. s_mrTdDomain, .. identity.MrEnclave, .. identity.MrSigner, .. versions]);
    }

    /// <inheritdoc />
    public Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken = default)
    {
        ReportData.Validate(reportData);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] quote;
        lock (_gate)
        {
            // The platform's ECDSA keys are not documented as thread-safe: one signature at a time.
            quote = QuoteType == TeeType.Tdx
                ? _platform.CreateTdxQuote(
                    reportData.Span,
                    SimulatedMrTd(Identity),
                    rtmrs: null,
                    new TdxQuoteOptions { TdAttributes = TdxQuoteOptions.SeptVeDisable | (Identity.Debug ? 1UL : 0UL) })
                : _platform.CreateSgxQuote(reportData.Span, Identity.MrEnclave, Identity.MrSigner, Identity.IsvProdId, Identity.IsvSvn, Attributes(Identity.Debug));
        }

        QuoteShape.RequireReportData(quote, reportData.Span, "the simulated quoting enclave");
        return Task.FromResult(quote);
    }

    /// <inheritdoc />
    public Task<byte[]?> GetCollateralAsync(ReadOnlyMemory<byte> quote, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<byte[]?>(_platform.GetCollateralBundleJson(QuoteType));
    }

    /// <summary>Disposes the simulated platform when this provider owns it (<see cref="SimulatedTee.Evidence"/>); otherwise nothing.</summary>
    public void Dispose()
    {
        if (_ownsPlatform)
        {
            _platform.Dispose();
        }
    }

    /// <summary>ATTRIBUTES: INIT | MODE64BIT (| DEBUG), XFRM x87 | SSE.</summary>
    private static byte[] Attributes(bool debug)
    {
        byte[] attributes = new byte[16];
        attributes[0] = (byte)(0x05 | (debug ? 0x02 : 0x00));
        attributes[8] = 0x03;
        return attributes;
    }
}
