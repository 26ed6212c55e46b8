using System.CommandLine;
using Ppml.Cli.Handlers;

namespace Ppml.Cli.Commands;

/// <summary>
/// --kms, --kms-password-file, --api-key-file, --ca-file: which KMS a command uses (with the global --home), the
/// same on every command that needs keys, so each of them works with the workspace store, a <c>file:</c> store or a
/// KMS server.
/// </summary>
internal sealed class KmsTargetOptions
{
    private readonly Option<string?> _kms = CommonOptions.Kms();
    private readonly Option<string?> _passwordFile = CommonOptions.KmsPasswordFile();
    private readonly Option<string?> _apiKeyFile = CommonOptions.ApiKeyFile();
    private readonly Option<string?> _caFile = CommonOptions.CaFile();

    public void AddTo(Command command)
    {
        command.Options.Add(_kms);
        command.Options.Add(_passwordFile);
        command.Options.Add(_apiKeyFile);
        command.Options.Add(_caFile);
    }

    public KmsTarget Read(ParseResult parse) => new(
        parse.GetValue(CommonOptions.Home), parse.GetValue(_kms), parse.GetValue(_passwordFile), parse.GetValue(_apiKeyFile), parse.GetValue(_caFile));
}
