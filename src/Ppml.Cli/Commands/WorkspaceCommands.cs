using System.CommandLine;
using System.Text.Json;
using Ppml.Cli.Handlers;
using Ppml.Cli.Output;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Commands;

/// <summary><c>ppml init</c>.</summary>
internal static class WorkspaceCommands
{
    public static Command CreateInit(CliContext context)
    {
        Option<bool> force = CommonOptions.Force("an existing workspace (it is moved to backups/ first, never deleted)");
        var passwordFile = new Option<string?>("--password-file")
        {
            Description = "Use this workspace password (default: a random one). It protects the KMS store and keystore.pkcs12.",
        };
        Option<bool> json = CommonOptions.Json();
        var init = new Command(
            "init",
            "Create a workspace: enclave signing key and the signed ppml measurement, TLS CA and server certificate, encrypted workspace password, local KMS with key 'primary', simulated platform.")
        {
            force, passwordFile, json,
        };
        init.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            string root = PpmlWorkspace.ResolveRoot(context, parse.GetValue(CommonOptions.Home));
            WorkspaceInitResult result = await new InitHandler(context).InitializeAsync(root, parse.GetValue(force), parse.GetValue(passwordFile), cancellationToken);
            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(result, CliJsonContext.Default.WorkspaceInitResult));
            }
            else
            {
                if (result.Backup is not null)
                {
                    await context.Error.WriteLineAsync($"The previous workspace was moved to {result.Backup}");
                }

                await context.Output.WriteLineAsync($"Initialized workspace {result.Root}");
                await context.Output.WriteLineAsync($"  TEE:  {result.Tee} (no SGX/TDX here: memory is NOT hardware-protected)");
                await context.Output.WriteLineAsync($"  KMS:  {result.Kms} with primary key '{result.DefaultKey}'");
                await context.Output.WriteLineAsync($"  keys: {PpmlWorkspace.EnclaveKeyFileName}, {PpmlWorkspace.TlsDirectoryName}/, {PpmlWorkspace.PasswordDirectoryName}/");
                await context.Output.WriteLineAsync($"  enclave: {PpmlWorkspace.SignedEnclaveFileName} mrenclave {result.MrEnclave} mrsigner {result.MrSigner}");
                await context.Output.WriteLineAsync($"  simulated platform: {PpmlWorkspace.SimulatedPlatformDirectoryName}/ (its root CA is trusted only where configured)");
            }

            return ExitCodes.Success;
        }));
        return init;
    }
}
