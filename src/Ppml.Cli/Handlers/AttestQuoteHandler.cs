using Ppml.Attestation.Commands;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;

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
    bool Force);

/// <summary><c>ppml attest quote</c>: sign a simulated quote with a saved simulated platform.</summary>
internal sealed class AttestQuoteHandler
{
    private readonly CliContext _context;

    public AttestQuoteHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> RunAsync(AttestQuoteOptions options, CancellationToken cancellationToken)
    {
        string platform = options.Platform is null
            ? AttestSimPlatformHandler.DefaultDirectory(_context, options.Home)
            : _context.ResolvePath(options.Platform);
        if (!File.Exists(Path.Combine(platform, SimulatedPlatformFiles.Platform)))
        {
            throw CliException.Usage($"No simulated platform in '{platform}'; create one with 'ppml attest sim-platform --out {platform}'.");
        }

        string output = _context.ResolvePath(options.Output);
        if (File.Exists(output) && !options.Force)
        {
            throw CliException.Usage($"'{output}' exists; pass --force to replace it.");
        }

        TeeType tee = options.Tee == "tdx" ? TeeType.Tdx : TeeType.Sgx;
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
            $"Simulated evidence: it verifies only with --root {Path.Combine(platform, SimulatedPlatformFiles.RootCertificate)}, never against the Intel root.");
        return ExitCodes.Success;
    }
}
