using System.CommandLine;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Commands;

/// <summary>
/// --kms, --kms-password-file, --api-key-file, --ca-file: which KMS a command uses (with the global --home), the
/// same on every command that needs keys, so each of them works with the workspace store, a <c>file:</c> store or a
/// KMS server.
/// </summary>
internal sealed class KmsTargetOptions
{
    private readonly bool _workload;
    private readonly Option<string?> _policy = new("--policy")
    {
        Description = "Attestation policy to attest under when the KMS is a server (default: the one named by the release policy of the key met first).",
    };

    private readonly Option<bool> _allowPlaintext = new("--allow-plaintext")
    {
        Description = "With a KMS server, also read inputs that are not PPML containers (by default an attested workload reads only encrypted data).",
    };

    private readonly Option<string?> _kms = CommonOptions.Kms();
    private readonly Option<string?> _passwordFile = CommonOptions.KmsPasswordFile();
    private readonly Option<string?> _apiKeyFile = CommonOptions.ApiKeyFile();
    private readonly Option<string?> _caFile = CommonOptions.CaFile();

    /// <param name="workload">Whether the command is a workload (adds --policy and --allow-plaintext).</param>
    public KmsTargetOptions(bool workload = false)
    {
        _workload = workload;
    }

    public void AddTo(Command command)
    {
        if (_workload)
        {
            command.Options.Add(_policy);
            command.Options.Add(_allowPlaintext);
        }

        command.Options.Add(_kms);
        command.Options.Add(_passwordFile);
        command.Options.Add(_apiKeyFile);
        command.Options.Add(_caFile);
    }

    public KmsTarget Read(ParseResult parse) => new(
        parse.GetValue(CommonOptions.Home), parse.GetValue(_kms), parse.GetValue(_passwordFile), parse.GetValue(_apiKeyFile), parse.GetValue(_caFile),
        _workload ? parse.GetValue(_policy) : null, _workload && parse.GetValue(_allowPlaintext));
}
