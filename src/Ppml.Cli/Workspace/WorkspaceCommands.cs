using System.CommandLine;

namespace Ppml.Cli.Workspace;

/// <summary><c>ppml init</c>.</summary>
internal static class WorkspaceCommands
{
    public static Command CreateInit(CliContext context)
    {
        Option<bool> force = CommonOptions.Force("an existing workspace (it is moved to backups/ first, never deleted)");
        var passwordFile = new Option<string?>("--password-file") { Description = "Use this workspace password (default: a random one). It protects the KMS store and keystore.pkcs12." };
        Option<bool> json = CommonOptions.Json();
        var init = new Command(
            "init",
            "Create a workspace: enclave signing key and the signed ppml measurement, TLS CA and server certificate, encrypted workspace password, local KMS with key 'primary', simulated platform.")
        {
            force, passwordFile, json,
        };
        init.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new InitHandler(context).RunAsync(
            parse.GetValue(CommonOptions.Home), parse.GetValue(force), parse.GetValue(passwordFile), parse.GetValue(json), cancellationToken)));
        return init;
    }
}
