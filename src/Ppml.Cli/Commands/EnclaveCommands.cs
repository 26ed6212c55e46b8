using System.CommandLine;
using Ppml.Cli.Handlers;

namespace Ppml.Cli.Commands;

/// <summary><c>ppml enclave sign|verify</c>.</summary>
internal static class EnclaveCommands
{
    public static Command Create(CliContext context)
    {
        var enclave = new Command("enclave", "Measure and sign an application's trusted files (MRENCLAVE, MRSIGNER) for simulation mode.");

        var manifest = new Option<string?>("--manifest") { Description = "Manifest JSON (name, isvProdId, isvSvn, trustedFiles). Default: the ppml application itself." };
        var key = new Option<string?>("--key") { Description = "RSA-3072 exponent-3 signing key (default: the workspace's enclave-key.pem)." };
        var output = new Option<string>("--out") { Description = "Signed measurement to write (JSON).", Required = true };
        Option<bool> force = CommonOptions.Force("the output");
        var sign = new Command("sign", "Hash the trusted files into MRENCLAVE and sign it; MRSIGNER is SHA-256 of the key's little-endian modulus.") { manifest, key, output, force };
        sign.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new EnclaveHandler(context).SignAsync(
                parse.GetValue(manifest), parse.GetValue(key), parse.GetRequiredValue(output), parse.GetValue(CommonOptions.Home), parse.GetValue(force), cancellationToken)));

        var signature = new Argument<string>("signed") { Description = "The JSON written by 'ppml enclave sign'." };
        var baseDirectory = new Option<string?>("--base") { Description = "Directory holding the trusted files (default: where they were signed)." };
        var verify = new Command("verify", "Check the signature and every trusted file; exit 1 naming the first file that differs.") { signature, baseDirectory };
        verify.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new EnclaveHandler(context).VerifyAsync(parse.GetRequiredValue(signature), parse.GetValue(baseDirectory), cancellationToken)));

        enclave.Subcommands.Add(sign);
        enclave.Subcommands.Add(verify);
        return enclave;
    }
}
