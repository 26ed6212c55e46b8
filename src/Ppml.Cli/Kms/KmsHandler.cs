using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Ppml.Kms;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Recovery;
using Ppml.Workloads.Keys;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Kms;

/// <summary><c>ppml kms key|app|policy|root</c>: one <see cref="KmsAdministration"/> or <see cref="RootKeyRecovery"/> call each, printed.</summary>
internal sealed class KmsHandler(CliContext context)
{
    public async Task<int> CreateKeyAsync(KmsTarget target, string name, string? releasePolicy, string[]? allowApps, bool json, CancellationToken cancellationToken)
    {
        if ((releasePolicy is not null || allowApps is { Length: > 0 }) && !target.IsKmsServer)
        {
            throw CliException.Usage("--release-policy and --allow-app need a KMS server (--kms https://HOST:PORT).");
        }

        return await WriteKeyAsync(await KmsAdministration.CreateKeyAsync(context, target, name, releasePolicy, allowApps, cancellationToken), json, "Created");
    }

    public async Task<int> RotateKeyAsync(KmsTarget target, string name, bool json, CancellationToken cancellationToken) =>
        await WriteKeyAsync(await KmsAdministration.RotateKeyAsync(context, target, name, cancellationToken), json, "Rotated");

    public async Task<int> DisableKeyAsync(KmsTarget target, string name, bool json, CancellationToken cancellationToken) =>
        await WriteKeyAsync(await KmsAdministration.DisableKeyAsync(context, target, name, cancellationToken), json, "Disabled");

    public async Task<int> ListKeysAsync(KmsTarget target, bool json, CancellationToken cancellationToken) => await WriteListAsync(
        await KmsAdministration.ListKeysAsync(context, target, cancellationToken), json, CliJsonContext.Default.IReadOnlyListPrimaryKeyInfo, $"{"NAME",-24} {"VERSION",7}  {"CREATED",-20}  ROTATED",
        key => string.Create(CultureInfo.InvariantCulture, $"{key.Name,-24} {key.CurrentVersion,7}  {key.CreatedAt:yyyy-MM-dd HH:mm:ss}Z  {key.RotatedAt:yyyy-MM-dd HH:mm:ss}Z"));

    public async Task<int> CreateApplicationAsync(KmsTarget target, string id, string role, string output, bool json, CancellationToken cancellationToken)
    {
        string path = context.ResolvePath(output);
        if (File.Exists(path))
        {
            throw CliException.Failure($"'{path}' already exists; choose another --out (an API key file is never overwritten).");
        }

        ApplicationDescription application = await KmsAdministration.CreateApplicationAsync(context, target, id, role, path, cancellationToken);
        await context.Output.WriteLineAsync(json
            ? JsonSerializer.Serialize(application, KmsWireJsonContext.Default.ApplicationDescription)
            : $"Created application '{application.Id}' (role {application.Role}); its API key is in {path}");
        return ExitCodes.Success;
    }

    public async Task<int> ListApplicationsAsync(KmsTarget target, bool json, CancellationToken cancellationToken) => await WriteListAsync(
        await KmsAdministration.ListApplicationsAsync(context, target, cancellationToken), json, KmsWireJsonContext.Default.IReadOnlyListApplicationDescription, $"{"ID",-24} {"ROLE",-6} CREATED",
        application => string.Create(CultureInfo.InvariantCulture, $"{application.Id,-24} {application.Role,-6} {application.CreatedAt:yyyy-MM-dd HH:mm:ss}Z"));

    public async Task<int> SetPolicyAsync(KmsTarget target, string id, string file, string? description, bool json, CancellationToken cancellationToken)
    {
        AttestationPolicyDocument stored = await KmsAdministration.SetPolicyAsync(context, target, id, file, description, cancellationToken);
        await context.Output.WriteLineAsync(json
            ? JsonSerializer.Serialize(stored, KmsWireJsonContext.Default.AttestationPolicyDocument)
            : $"Policy '{stored.Id}' set (version {stored.Version.ToString(CultureInfo.InvariantCulture)})");
        return ExitCodes.Success;
    }

    public async Task<int> ListPoliciesAsync(KmsTarget target, bool json, CancellationToken cancellationToken) => await WriteListAsync(
        await KmsAdministration.ListPoliciesAsync(context, target, cancellationToken), json, KmsWireJsonContext.Default.IReadOnlyListAttestationPolicyDocument, $"{"ID",-24} {"VERSION",7}  DESCRIPTION",
        policy => string.Create(CultureInfo.InvariantCulture, $"{policy.Id,-24} {policy.Version,7}  {policy.Description}"));

    public async Task<int> SplitRootAsync(string? home, string? store, string? secretFile, int threshold, int shares, string output, CancellationToken cancellationToken)
    {
        string directory = context.ResolvePath(output);
        IReadOnlyList<string> files = await RootKeyRecovery.SplitToFilesAsync(
            PpmlWorkspace.ResolveKmsServerStore(context, home, store), secretFile is null ? null : context.ResolvePath(secretFile), threshold, shares, directory, cancellationToken);
        await context.Output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture, $"Wrote {files.Count} shares to {directory}; any {threshold} recover the root key. Give each to a different custodian and delete them here."));
        return ExitCodes.Success;
    }

    public async Task<int> RecoverRootAsync(string? home, string? store, string[] shareFiles, string secretFile, CancellationToken cancellationToken)
    {
        string directory = PpmlWorkspace.ResolveKmsServerStore(context, home, store);
        string secretPath = context.ResolvePath(secretFile);
        bool generated = await RootKeyRecovery.RecoverFromFilesAsync(directory, [.. shareFiles.Select(context.ResolvePath)], secretPath, cancellationToken);
        await context.Output.WriteLineAsync(
            $"Recovered the root key of {directory} and sealed it under {(generated ? "a NEW operator secret generated at " : "the secret in ")}{secretPath}; start the server with --secret-file {secretPath}.");
        return ExitCodes.Success;
    }

    private async Task<int> WriteKeyAsync(PrimaryKeyInfo key, bool json, string verb)
    {
        await context.Output.WriteLineAsync(json
            ? JsonSerializer.Serialize(key, CliJsonContext.Default.PrimaryKeyInfo)
            : $"{verb} key '{key.Name}' (version {key.CurrentVersion.ToString(CultureInfo.InvariantCulture)})");
        return ExitCodes.Success;
    }

    /// <summary>One JSON array with --json, else a header line and one line per item.</summary>
    private async Task<int> WriteListAsync<T>(IReadOnlyList<T> items, bool json, JsonTypeInfo<IReadOnlyList<T>> typeInfo, string header, Func<T, string> line)
    {
        await context.Output.WriteLineAsync(json ? JsonSerializer.Serialize(items, typeInfo) : header);
        foreach (T item in json ? [] : items)
        {
            await context.Output.WriteLineAsync(line(item));
        }

        return ExitCodes.Success;
    }
}
