using System.Globalization;
using System.Text.Json;
using Ppml.Cli.Output;
using Ppml.Kms;
using Ppml.Kms.Remote;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary><c>ppml kms key create|list|rotate</c> against the workspace KMS or <c>--kms</c>.</summary>
internal sealed class KmsKeyHandler
{
    private readonly CliContext _context;

    public KmsKeyHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> CreateAsync(KmsTarget target, string name, bool json, CancellationToken cancellationToken, string? releasePolicyFile = null, string[]? allowApplications = null)
    {
        using IKeyManagementService kms = await target.OpenAsync(_context, cancellationToken);
        PrimaryKeyInfo key;
        if (releasePolicyFile is not null || allowApplications is { Length: > 0 })
        {
            if (kms is not KmsClient remote)
            {
                throw CliException.Usage("--release-policy and --allow-app need a KMS server (--kms https://HOST:PORT).");
            }

            KeyReleasePolicy? policy = null;
            if (releasePolicyFile is not null)
            {
                string path = _context.ResolvePath(releasePolicyFile);
                try
                {
                    policy = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(path, cancellationToken), KmsWireJsonContext.Default.KeyReleasePolicy)
                        ?? throw CliException.Usage($"Release policy '{path}' is JSON null.");
                }
                catch (JsonException exception)
                {
                    throw CliException.Usage($"Release policy '{path}' is not valid JSON: {exception.Message}");
                }
            }

            key = (await remote.CreateKeyAsync(
                new CreateKeyRequest { Name = name, ReleasePolicy = policy, AllowedApplications = allowApplications is { Length: > 0 } ? allowApplications : null },
                cancellationToken)).ToInfo();
        }
        else
        {
            key = await kms.CreateKeyAsync(name, cancellationToken);
        }

        await WriteKeyAsync(key, json, "Created");
        return ExitCodes.Success;
    }

    public async Task<int> RotateAsync(KmsTarget target, string name, bool json, CancellationToken cancellationToken)
    {
        using IKeyManagementService kms = await target.OpenAsync(_context, cancellationToken);
        PrimaryKeyInfo key = await kms.RotateKeyAsync(name, cancellationToken);
        await WriteKeyAsync(key, json, "Rotated");
        return ExitCodes.Success;
    }

    public async Task<int> DisableAsync(KmsTarget target, string name, bool json, CancellationToken cancellationToken)
    {
        using KmsClient kms = await target.OpenRemoteAsync(_context, cancellationToken);
        PrimaryKeyInfo key = (await kms.DisableKeyAsync(name, cancellationToken)).ToInfo();
        await WriteKeyAsync(key, json, "Disabled");
        return ExitCodes.Success;
    }

    public async Task<int> ListAsync(KmsTarget target, bool json, CancellationToken cancellationToken)
    {
        using IKeyManagementService kms = await target.OpenAsync(_context, cancellationToken);
        IReadOnlyList<PrimaryKeyInfo> keys = await kms.ListKeysAsync(cancellationToken);
        if (json)
        {
            await _context.Output.WriteLineAsync(JsonSerializer.Serialize(keys, CliJsonContext.Default.IReadOnlyListPrimaryKeyInfo));
            return ExitCodes.Success;
        }

        await _context.Output.WriteLineAsync($"{"NAME",-24} {"VERSION",7}  {"CREATED",-20}  ROTATED");
        foreach (PrimaryKeyInfo key in keys)
        {
            await _context.Output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{key.Name,-24} {key.CurrentVersion,7}  {key.CreatedAt:yyyy-MM-dd HH:mm:ss}Z  {key.RotatedAt:yyyy-MM-dd HH:mm:ss}Z"));
        }

        return ExitCodes.Success;
    }

    private Task WriteKeyAsync(PrimaryKeyInfo key, bool json, string verb) =>
        json
            ? _context.Output.WriteLineAsync(JsonSerializer.Serialize(key, CliJsonContext.Default.PrimaryKeyInfo))
            : _context.Output.WriteLineAsync($"{verb} key '{key.Name}' (version {key.CurrentVersion.ToString(CultureInfo.InvariantCulture)})");
}
