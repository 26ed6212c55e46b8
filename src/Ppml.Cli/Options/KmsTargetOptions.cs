using System.CommandLine;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Options;

/// <summary>
/// --kms, --kms-password-file, --api-key-file, --ca-file: which KMS a command uses (with the global --home), the same on
/// every command that needs keys; workload commands also take --policy and --allow-plaintext.
/// </summary>
/// <param name="workload">Whether the command is a workload (adds --policy and --allow-plaintext).</param>
internal sealed class KmsTargetOptions(bool workload = false)
{
    private readonly Option<string?> _policy = new("--policy")
    {
        Description = "Attestation policy to attest under when the KMS is a server (default: the one named by the release policy of the key met first).",
    };

    private readonly Option<bool> _allowPlaintext = new("--allow-plaintext")
    {
        Description = "With a KMS server, also read inputs that are not PPML containers (by default an attested workload reads only encrypted data).",
    };

    private readonly Option<string?>[] _target = [CommonOptions.Kms(), CommonOptions.KmsPasswordFile(), CommonOptions.ApiKeyFile(), CommonOptions.CaFile()];

    public void AddTo(Command command)
    {
        if (workload)
        {
            command.Options.Add(_policy);
            command.Options.Add(_allowPlaintext);
        }

        Array.ForEach(_target, command.Options.Add);
    }

    public KmsTarget Read(ParseResult parse) => new(
        parse.GetValue(CommonOptions.Home), parse.GetValue(_target[0]), parse.GetValue(_target[1]), parse.GetValue(_target[2]), parse.GetValue(_target[3]),
        workload ? parse.GetValue(_policy) : null, workload && parse.GetValue(_allowPlaintext));
}
