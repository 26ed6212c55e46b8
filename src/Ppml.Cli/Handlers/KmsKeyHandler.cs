using System.Globalization;
using System.Text.Json;
using Ppml.Cli.Output;
using Ppml.Cli.Workspace;
using Ppml.Kms;

namespace Ppml.Cli.Handlers;

/// <summary><c>ppml kms key create|list|rotate</c> against the workspace KMS or <c>--kms</c>.</summary>
internal sealed class KmsKeyHandler
{
    private readonly CliContext _context;

    public KmsKeyHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> CreateAsync(KmsTarget target, string name, bool json, CancellationToken cancellationToken)
    {
        using IKeyManagementService kms = await target.OpenAsync(_context, cancellationToken);
        PrimaryKeyInfo key = await kms.CreateKeyAsync(name, cancellationToken);
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

/// <summary>Which KMS a command talks to.</summary>
internal sealed record KmsTarget(string? Home, string? KmsUri, string? PasswordFile)
{
    public Task<IKeyManagementService> OpenAsync(CliContext context, CancellationToken cancellationToken) =>
        PpmlWorkspace.OpenKmsAsync(context, Home, KmsUri, PasswordFile, cancellationToken);
}
