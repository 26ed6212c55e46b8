using System.CommandLine;

namespace Ppml.Cli.Enclave;

/// <summary><c>ppml enclave sign|verify</c>.</summary>
internal static class EnclaveCommands
{
    public static Command Create(CliContext context)
    {
        var enclave = new Command("enclave", "Measure and sign an application (every file, its .NET runtime, the KMS trust anchors: MRENCLAVE, MRSIGNER) for simulation mode.");

        var manifest = new Option<string?>("--manifest") { Description = "Manifest JSON (name, isvProdId, isvSvn, debug, baseDirectory). Default: the ppml application itself." };
        var app = new Option<string?>("--app") { Description = "Application directory to measure: every file in it, and the runtime its *.runtimeconfig.json names. Default: ppml's own directory." };
        var kmsUrl = new Option<string?>("--kms-url") { Description = "KMS URL (https://HOST:PORT) to measure as a trust anchor; needs --kms-ca." };
        var kmsCa = new Option<string?>("--kms-ca") { Description = "KMS CA certificate (PEM or DER) whose SHA-256 to measure as a trust anchor; needs --kms-url." };
        var key = new Option<string?>("--key") { Description = "RSA-3072 exponent-3 signing key (default: the workspace's enclave-key.pem)." };
        var output = new Option<string>("--out") { Description = "Signed measurement to write (JSON).", Required = true };
        Option<bool> force = CommonOptions.Force("the output");
        var sign = new Command("sign", "Hash every file of the application and its runtime, and the trust anchors, into MRENCLAVE and sign it; MRSIGNER is SHA-256 of the key's little-endian modulus.")
        {
            manifest, app, key, kmsUrl, kmsCa, output, force,
        };
        sign.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new EnclaveHandler(context).SignAsync(
                parse.GetValue(manifest), parse.GetValue(app), parse.GetValue(key), parse.GetValue(kmsUrl), parse.GetValue(kmsCa),
                parse.GetRequiredValue(output), parse.GetValue(CommonOptions.Home), parse.GetValue(force), cancellationToken)));

        var signature = new Argument<string>("signed") { Description = "The JSON written by 'ppml enclave sign'." };
        var verifyApp = new Option<string?>("--app", "--base") { Description = "Application directory to measure (default: ppml's own directory; never the directory recorded at signing)." };
        var verify = new Command("verify", "Check the signature, then measure the directory and its runtime; exit 1 naming the first unmeasured, missing or changed file.") { signature, verifyApp };
        verify.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new EnclaveHandler(context).VerifyAsync(parse.GetRequiredValue(signature), parse.GetValue(verifyApp), cancellationToken)));

        enclave.Subcommands.Add(sign);
        enclave.Subcommands.Add(verify);
        return enclave;
    }
}
