using Ppml.Cli.Attest;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Core.IO;
using Ppml.Tee;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary>Arguments of <c>ppml attest quote</c>.</summary>
internal sealed record AttestQuoteOptions(
    string ReportData,
    string Output,
    string? Platform,
    string? Home,
    string Tee,
    string? MrEnclave,
    string? MrSigner,
    string? MrTd,
    bool Force,
    string? Enclave = null);

/// <summary>
/// <c>ppml attest quote</c>: this workload's evidence. By default it starts the workspace's TEE runtime — in simulation,
/// the signed ppml enclave is verified file by file and the simulated quoting enclave quotes its measurement; in SGX
/// or TDX the hardware quotes. With an explicit <c>--mr-enclave</c>/<c>--mr-signer</c>/<c>--mr-td</c> it signs a test
/// quote for that asserted measurement instead (a tool for exercising verifiers, not evidence of anything measured).
/// </summary>
internal sealed class AttestQuoteHandler
{
    private readonly CliContext _context;

    public AttestQuoteHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> RunAsync(AttestQuoteOptions options, CancellationToken cancellationToken)
    {
        string root = PpmlWorkspace.ResolveRoot(_context, options.Home);
        string platform = options.Platform is null
            ? Path.Combine(PpmlWorkspace.ResolveRoot(_context, options.Home), PpmlWorkspace.SimulatedPlatformDirectoryName)
            : _context.ResolvePath(options.Platform);
        bool asserted = options.MrEnclave is not null || options.MrSigner is not null || options.MrTd is not null;
        PpmlWorkspace? workspace = asserted || !PpmlWorkspace.Exists(root) ? null : await PpmlWorkspace.OpenAsync(root, cancellationToken);
        if ((asserted || options.Platform is not null || workspace?.IsSimulation == true) && !File.Exists(Path.Combine(platform, SimulatedPlatformFiles.Platform)))
        {
            throw CliException.Usage($"No simulated platform in '{platform}'; create one with 'ppml attest sim-platform --out {platform}'.");
        }

        string output = _context.ResolvePath(options.Output);
        if (File.Exists(output) && !options.Force)
        {
            throw CliException.Usage($"'{output}' exists; pass --force to replace it.");
        }

        TeeType tee = options.Tee == "tdx" ? TeeType.Tdx : TeeType.Sgx;
        if (asserted)
        {
            return await AssertedAsync(options, platform, output, tee, cancellationToken);
        }

        if (workspace is null)
        {
            throw CliException.Usage(
                $"No workspace at '{root}': run 'ppml init' (it signs ppml and creates the simulated platform), " +
                "or sign a test quote for an asserted measurement with --mr-enclave/--mr-signer (SGX) or --mr-td (TDX) and --platform DIR.");
        }

        byte[] reportData = ParseReportData(options.ReportData);
        string? enclave = options.Enclave is null ? null : _context.ResolvePath(options.Enclave);
        using TeeRuntime runtime = await WorkspaceTee.CreateAsync(_context, workspace, cancellationToken, platform, enclave, tee);
        byte[] quote = await runtime.Evidence.GetQuoteAsync(reportData, cancellationToken);
        await AtomicFile.WriteAllBytesAsync(output, quote, overwrite: true, mode: null, cancellationToken);
        Quote parsed = Quote.Parse(quote);
        string kind = parsed.Tee == TeeType.Tdx ? $"TDX quote v{parsed.Version}" : $"SGX quote v{parsed.Version}";
        await _context.Output.WriteLineAsync($"Wrote {output}: {(runtime.IsSimulation ? "simulated " : string.Empty)}{kind}, {quote.Length} bytes.");
        if (parsed.EnclaveReport is { } report)
        {
            await _context.Output.WriteLineAsync(
                $"  mrenclave {Convert.ToHexStringLower(report.MrEnclave.Span)}  mrsigner {Convert.ToHexStringLower(report.MrSigner.Span)}  isvprodid {report.IsvProdId}  isvsvn {report.IsvSvn}");
        }
        else if (parsed.TdReport is { } td)
        {
            await _context.Output.WriteLineAsync($"  mrtd {Convert.ToHexStringLower(td.MrTd.Span)}");
        }

        if (runtime.IsSimulation)
        {
            await _context.Error.WriteLineAsync(
                $"Simulated evidence: it verifies only with --root {Path.Combine(platform, SimulatedPlatformFiles.RootCertificate)}, never against the Intel root.");
        }

        return ExitCodes.Success;
    }

    private async Task<int> AssertedAsync(AttestQuoteOptions options, string platform, string output, TeeType tee, CancellationToken cancellationToken)
    {
        byte[] quote = await QuoteGenerationCommand.RunAsync(
            new QuoteGenerationRequest
            {
                PlatformDirectory = platform,
                ReportDataHex = options.ReportData,
                OutPath = output,
                Tee = tee,
                MrEnclaveHex = options.MrEnclave,
                MrSignerHex = options.MrSigner,
                MrTdHex = options.MrTd,
            },
            cancellationToken);
        await _context.Output.WriteLineAsync($"Wrote {output}: simulated {(tee == TeeType.Tdx ? "TDX quote v4" : "SGX quote v3")}, {quote.Length} bytes.");
        await _context.Error.WriteLineAsync(
            "The measurement in this quote was given on the command line, not measured: use it to exercise verifiers and policies only. " +
            $"Simulated evidence: it verifies only with --root {Path.Combine(platform, SimulatedPlatformFiles.RootCertificate)}, never against the Intel root.");
        return ExitCodes.Success;
    }

    private static byte[] ParseReportData(string hex)
    {
        string text = hex.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw CliException.Usage("--report-data must be hex (up to 64 bytes).");
        }

        if (bytes.Length > 64)
        {
            throw CliException.Usage($"--report-data is {bytes.Length} bytes; at most 64 are allowed.");
        }

        byte[] padded = new byte[64];
        bytes.CopyTo(padded, 0);
        return padded;
    }
}
