using System.Text.Json;
using Ppml.Crypto.Keys;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Workspace;

/// <summary><c>ppml init</c>: creates a workspace (<see cref="WorkspaceInitializer"/>); with --force, moves the old one to backups/ first.</summary>
internal sealed class InitHandler(CliContext context)
{
    public async Task<int> RunAsync(string? home, bool force, string? passwordFile, bool json, CancellationToken cancellationToken)
    {
        WorkspaceInitResult result = await WorkspaceInitializer.CreateAsync(
            context,
            PpmlWorkspace.ResolveNewRoot(context, home),
            force,
            passwordFile is null ? null : token => PasswordFile.ReadAsync(context.ResolvePath(passwordFile), context.Input, token),
            cancellationToken);
        if (json)
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize(result, CliJsonContext.Default.WorkspaceInitResult));
            return ExitCodes.Success;
        }

        await (result.Backup is null ? Task.CompletedTask : context.Error.WriteLineAsync($"The previous workspace was moved to {result.Backup}"));
        await context.Output.WriteLineAsync(
            $"""
            Initialized workspace {result.Root}
              TEE:  {result.Tee} (no SGX/TDX here: memory is NOT hardware-protected)
              KMS:  {result.Kms} with primary key '{result.DefaultKey}'
              keys: {PpmlWorkspace.EnclaveKeyFileName}, {PpmlWorkspace.TlsDirectoryName}/, {PpmlWorkspace.PasswordDirectoryName}/
              enclave: {PpmlWorkspace.SignedEnclaveFileName} mrenclave {result.MrEnclave} mrsigner {result.MrSigner}
              simulated platform: {PpmlWorkspace.SimulatedPlatformDirectoryName}/ (its root CA is trusted only where configured)
            """);
        return ExitCodes.Success;
    }
}
