using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Attestation.Verification;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Attest;

/// <summary><c>ppml attest verify|sim-platform|quote</c>: parse, call the library, print.</summary>
internal sealed class AttestHandler(CliContext context)
{
    public async Task<int> VerifyAsync(QuoteVerificationRequest request, bool json, CancellationToken cancellationToken)
    {
        QuoteVerificationOutcome outcome = await QuoteVerification.VerifyAsync(request, context.TimeProvider, cancellationToken);
        await context.Output.WriteAsync(json ? outcome.Result.ToJson() + Environment.NewLine : outcome.Result.ToDisplayString());
        if (outcome.Verdict == QuoteVerificationVerdict.InvalidInput && outcome.Result.Error is { } error)
        {
            await context.Error.WriteLineAsync($"ppml: error: {error.Message}");
        }

        return outcome.Verdict switch
        {
            QuoteVerificationVerdict.Accepted => ExitCodes.Success,
            QuoteVerificationVerdict.InvalidInput => ExitCodes.InvalidInput,
            _ => ExitCodes.Failure,
        };
    }

    public async Task<int> SimPlatformAsync(string? output, string? home, bool force, CancellationToken cancellationToken)
    {
        string directory = output is null
            ? Path.Combine(PpmlWorkspace.ResolveRoot(context, home), PpmlWorkspace.SimulatedPlatformDirectoryName)
            : context.ResolvePath(output);
        if (File.Exists(Path.Combine(directory, SimulatedPlatformFiles.Platform)) && !force)
        {
            throw CliException.Usage($"A simulated platform already exists in '{directory}'; pass --force to replace it (its keys are overwritten).");
        }

        using SimulatedPlatform platform = await SimulatedPlatform.CreateSavedAsync(directory, options: null, context.TimeProvider, cancellationToken);
        await context.Output.WriteLineAsync($"Simulated SGX/TDX platform written to {directory}");
        await context.Output.WriteLineAsync("  This is NOT an Intel TEE: its root CA is trusted only when passed with --root.");
        await context.Output.WriteLineAsync(
            $"  FMSPC {Convert.ToHexStringLower(platform.Fmspc.Span)}; root CA {SimulatedPlatformFiles.RootCertificate}; keys *.key.pem (mode 0600)");
        await context.Output.WriteLineAsync(
            $"  Verify: ppml attest verify QUOTE --root {Path.Combine(directory, SimulatedPlatformFiles.RootCertificate)} --collateral {Path.Combine(directory, SimulatedPlatformFiles.SgxCollateral)}");
        return ExitCodes.Success;
    }

    public async Task<int> QuoteAsync(
        string? home, string reportData, string output, string? platform, string? enclave, string tee, string? mrEnclave, string? mrSigner, string? mrTd, bool force, CancellationToken cancellationToken)
    {
        string path = context.ResolvePath(output);
        if (File.Exists(path) && !force)
        {
            throw CliException.Usage($"'{path}' exists; pass --force to replace it.");
        }

        WorkspaceQuote quote = await WorkspaceEvidence.QuoteAsync(
            context,
            new WorkspaceQuoteRequest
            {
                WorkspaceRoot = PpmlWorkspace.ResolveRoot(context, home),
                ReportData = Hex(reportData, "--report-data", 64, exact: false)!.Value,
                OutputPath = path,
                PlatformDirectory = platform is null ? null : context.ResolvePath(platform),
                SignedEnclavePath = enclave is null ? null : context.ResolvePath(enclave),
                QuoteType = tee == "tdx" ? TeeType.Tdx : TeeType.Sgx,
                AssertedMrEnclave = Hex(mrEnclave, "--mr-enclave", 32, exact: true),
                AssertedMrSigner = Hex(mrSigner, "--mr-signer", 32, exact: true),
                AssertedMrTd = Hex(mrTd, "--mr-td", 48, exact: true),
            },
            cancellationToken);
        string kind = $"{(quote.Quote.Tee == TeeType.Tdx ? "TDX" : "SGX")} quote v{quote.Quote.Version}";
        await context.Output.WriteLineAsync($"Wrote {path}: {(quote.IsSimulated ? "simulated " : string.Empty)}{kind}, {quote.Bytes.Length} bytes.");
        if (!quote.IsAsserted && quote.Quote.EnclaveReport is { } report)
        {
            await context.Output.WriteLineAsync(
                $"  mrenclave {Convert.ToHexStringLower(report.MrEnclave.Span)}  mrsigner {Convert.ToHexStringLower(report.MrSigner.Span)}  isvprodid {report.IsvProdId}  isvsvn {report.IsvSvn}");
        }
        else if (!quote.IsAsserted && quote.Quote.TdReport is { } td)
        {
            await context.Output.WriteLineAsync($"  mrtd {Convert.ToHexStringLower(td.MrTd.Span)}");
        }

        if (quote.IsAsserted)
        {
            await context.Error.WriteAsync("The measurement in this quote was given on the command line, not measured: use it to exercise verifiers and policies only. ");
        }

        if (quote.IsSimulated)
        {
            await context.Error.WriteLineAsync($"Simulated evidence: it verifies only with --root {quote.SimulatedRootCertificatePath}, never against the Intel root.");
        }

        return ExitCodes.Success;
    }

    private static ReadOnlyMemory<byte>? Hex(string? text, string option, int length, bool exact)
    {
        if (text is null)
        {
            return null;
        }

        if (!QuoteEncoding.TryDecodeHex(text, out byte[]? bytes) || bytes.Length > length || (exact && bytes.Length != length))
        {
            throw CliException.Usage($"{option} must be {(exact ? "exactly" : "at most")} {length} bytes of hex.");
        }

        return bytes;
    }
}
