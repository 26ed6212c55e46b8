using System.CommandLine;
using Ppml.Attestation.Verification;

namespace Ppml.Cli.Attest;

/// <summary><c>ppml attest verify|sim-platform|quote</c>: DCAP quote verification and the simulated platform.</summary>
internal static class AttestCommands
{
    public static Command Create(CliContext context)
    {
        var attest = new Command("attest", "Verify Intel SGX/TDX DCAP quotes offline with Intel's rules; simulate a platform where there is no TEE.");
        attest.Subcommands.Add(CreateVerify(context));
        attest.Subcommands.Add(CreateSimPlatform(context));
        attest.Subcommands.Add(CreateQuote(context));
        return attest;
    }

    private static Command CreateVerify(CliContext context)
    {
        var quote = new Argument<string>("quote") { Description = "The quote: binary, hex or base64." };
        var root = new Option<string?>("--root") { Description = "Trusted root CA, PEM or DER (default: the built-in Intel SGX Root CA)." };
        var tcbInfo = new Option<string?>("--tcb-info") { Description = "TCB Info, Intel PCS JSON {\"tcbInfo\":..,\"signature\":..}." };
        var qeIdentity = new Option<string?>("--qe-identity") { Description = "QE Identity, Intel PCS JSON {\"enclaveIdentity\":..,\"signature\":..}." };
        var signingChain = new Option<string?>("--tcb-signing-chain") { Description = "PEM issuer chain of the TCB Info and QE Identity." };
        var rootCrl = new Option<string?>("--root-crl") { Description = "Intel SGX Root CA CRL, PEM or DER (required unless the bundle has it or --no-revocation)." };
        var pckCrl = new Option<string?>("--pck-crl") { Description = "PCK Processor/Platform CA CRL, PEM or DER (required unless the bundle has it or --no-revocation)." };
        var pckChain = new Option<string?>("--pck-chain") { Description = "PCK certificate chain (PEM), for quotes that do not embed it." };
        var collateral = new Option<string?>("--collateral") { Description = "Collateral bundle JSON shaped like sgx_ql_qve_collateral_t; the options above override its parts." };
        var policy = new Option<string?>("--policy") { Description = "Appraisal policy JSON (see docs/attestation.md)." };
        var at = new Option<string?>("--at") { Description = "Verification time, ISO-8601 or Unix seconds (default: now)." };
        var strict = new Option<bool>("--strict") { Description = "Expired collateral is fatal (default: reported in collateralExpired, as Intel's API does)." };
        var noRevocation = new Option<bool>("--no-revocation")
        {
            Description = "Verify without revocation data: accept a quote although the root CA CRL or the PCK CRL is missing " +
                "(default: both are required, as Intel's API requires them); the result then says revocation was not checked. " +
                "A --policy that requires revocation (its default) still rejects it.",
        };
        Option<bool> json = CommonOptions.Json();
        var verify = new Command("verify", "Verify a quote: exit 0 when valid (and accepted by --policy), 1 when not, 2 on unusable input.")
        {
            quote, root, tcbInfo, qeIdentity, signingChain, rootCrl, pckCrl, pckChain, collateral, policy, at, strict, noRevocation, json,
        };
        verify.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
        {
            string? File(Option<string?> option) => parse.GetValue(option) is { } path ? context.ResolvePath(path) : null;
            return new AttestHandler(context).VerifyAsync(
                new QuoteVerificationRequest
                {
                    QuotePath = context.ResolvePath(parse.GetRequiredValue(quote)), RootPath = File(root), CollateralPath = File(collateral),
                    TcbInfoPath = File(tcbInfo), QeIdentityPath = File(qeIdentity), TcbSigningChainPath = File(signingChain),
                    RootCrlPath = File(rootCrl), PckCrlPath = File(pckCrl), PckChainPath = File(pckChain),
                    PolicyPath = File(policy), At = parse.GetValue(at), Strict = parse.GetValue(strict),
                    RequireRevocation = !parse.GetValue(noRevocation),
                },
                parse.GetValue(json),
                cancellationToken);
        }));
        return verify;
    }

    private static Command CreateSimPlatform(CliContext context)
    {
        var output = new Option<string?>("--out") { Description = "Directory to write the simulated platform to (default: <workspace>/attestation/platform, which ppml init creates)." };
        Option<bool> force = CommonOptions.Force("an existing simulated platform (its keys are overwritten)");
        var command = new Command("sim-platform", "Create a simulated SGX/TDX platform: Intel-shaped test PKI, signed TCB Info and QE Identity, quoting key. Never trusted by default.")
        {
            output, force,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new AttestHandler(context).SimPlatformAsync(parse.GetValue(output), parse.GetValue(CommonOptions.Home), parse.GetValue(force), cancellationToken)));
        return command;
    }

    private static Command CreateQuote(CliContext context)
    {
        var reportData = new Option<string>("--report-data") { Description = "REPORTDATA as hex, up to 64 bytes.", Required = true };
        var output = new Option<string>("--out") { Description = "File to write the binary quote to.", Required = true };
        var platform = new Option<string?>("--platform") { Description = "Simulated platform directory (default: <workspace>/attestation/platform)." };
        var enclave = new Option<string?>("--enclave") { Description = "Signed enclave whose trusted files are verified and whose measurement is quoted (default: <workspace>/enclave/ppml.sig.json)." };
        var tee = new Option<string>("--tee") { Description = "Simulated quote layout: sgx (quote v3) or tdx (quote v4). In a real TEE the hardware decides.", DefaultValueFactory = _ => "sgx" };
        tee.AcceptOnlyFromAmong("sgx", "tdx");
        var mrEnclave = new Option<string?>("--mr-enclave") { Description = "Test quote for an ASSERTED MRENCLAVE (hex; SGX) instead of the measured enclave." };
        var mrSigner = new Option<string?>("--mr-signer") { Description = "Test quote for an ASSERTED MRSIGNER (hex; SGX) instead of the measured enclave." };
        var mrTd = new Option<string?>("--mr-td") { Description = "Test quote for an ASSERTED MRTD (hex; TDX) instead of the measured enclave." };
        Option<bool> force = CommonOptions.Force("the output");
        var command = new Command("quote", "Produce this workload's quote: the TEE runtime verifies the signed enclave, then quotes its measurement (simulated in simulation mode).")
        {
            reportData, output, platform, enclave, tee, mrEnclave, mrSigner, mrTd, force,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new AttestHandler(context).QuoteAsync(
                parse.GetValue(CommonOptions.Home), parse.GetRequiredValue(reportData), parse.GetRequiredValue(output), parse.GetValue(platform), parse.GetValue(enclave),
                parse.GetRequiredValue(tee), parse.GetValue(mrEnclave), parse.GetValue(mrSigner), parse.GetValue(mrTd), parse.GetValue(force), cancellationToken)));
        return command;
    }
}
