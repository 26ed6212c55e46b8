using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Ppml.Core.IO;
using Ppml.Kms.Remote;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary><c>ppml kms app ...</c> and <c>ppml kms policy ...</c> against a KMS server.</summary>
internal sealed class KmsAdminHandler
{
    private readonly CliContext _context;

    public KmsAdminHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> CreateApplicationAsync(KmsTarget target, string id, string role, string output, bool json, CancellationToken cancellationToken)
    {
        string path = _context.ResolvePath(output);
        if (File.Exists(path))
        {
            throw CliException.Failure($"'{path}' already exists; choose another --out (an API key file is never overwritten).");
        }

        using KmsClient kms = await target.OpenRemoteAsync(_context, cancellationToken);
        ApplicationDescription application = await kms.CreateApplicationAsync(new CreateApplicationRequest { Id = id, Role = role }, cancellationToken);
        await AtomicFile.WriteAllBytesAsync(path, Encoding.ASCII.GetBytes(application.ApiKey + "\n"), overwrite: false, AtomicFile.OwnerOnly, cancellationToken);
        if (json)
        {
            await _context.Output.WriteLineAsync(JsonSerializer.Serialize(application with { ApiKey = null }, KmsWireJsonContext.Default.ApplicationDescription));
        }
        else
        {
            await _context.Output.WriteLineAsync($"Created application '{application.Id}' (role {application.Role}); its API key is in {path}");
        }

        return ExitCodes.Success;
    }

    public async Task<int> ListApplicationsAsync(KmsTarget target, bool json, CancellationToken cancellationToken)
    {
        using KmsClient kms = await target.OpenRemoteAsync(_context, cancellationToken);
        IReadOnlyList<ApplicationDescription> applications = await kms.ListApplicationsAsync(cancellationToken);
        return await WriteListAsync(
            applications,
            json,
            KmsWireJsonContext.Default.IReadOnlyListApplicationDescription,
            $"{"ID",-24} {"ROLE",-6} CREATED",
            application => string.Create(CultureInfo.InvariantCulture, $"{application.Id,-24} {application.Role,-6} {application.CreatedAt:yyyy-MM-dd HH:mm:ss}Z"));
    }

    public async Task<int> SetPolicyAsync(KmsTarget target, string id, string file, string? description, bool json, CancellationToken cancellationToken)
    {
        string path = _context.ResolvePath(file);
        JsonElement policy;
        try
        {
            using JsonDocument document = JsonDocument.Parse(await File.ReadAllBytesAsync(path, cancellationToken));
            policy = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw CliException.Usage($"Policy '{path}' is not valid JSON: {exception.Message}");
        }

        using KmsClient kms = await target.OpenRemoteAsync(_context, cancellationToken);
        AttestationPolicyDocument stored = await kms.SetPolicyAsync(id, new SetPolicyRequest { Description = description, Policy = policy }, cancellationToken);
        await (json
            ? _context.Output.WriteLineAsync(JsonSerializer.Serialize(stored, KmsWireJsonContext.Default.AttestationPolicyDocument))
            : _context.Output.WriteLineAsync($"Policy '{stored.Id}' set (version {stored.Version.ToString(CultureInfo.InvariantCulture)})"));
        return ExitCodes.Success;
    }

    public async Task<int> ListPoliciesAsync(KmsTarget target, bool json, CancellationToken cancellationToken)
    {
        using KmsClient kms = await target.OpenRemoteAsync(_context, cancellationToken);
        IReadOnlyList<AttestationPolicyDocument> policies = await kms.ListPoliciesAsync(cancellationToken);
        return await WriteListAsync(
            policies,
            json,
            KmsWireJsonContext.Default.IReadOnlyListAttestationPolicyDocument,
            $"{"ID",-24} {"VERSION",7}  DESCRIPTION",
            policy => string.Create(CultureInfo.InvariantCulture, $"{policy.Id,-24} {policy.Version,7}  {policy.Description}"));
    }

    /// <summary>One JSON array with --json, else a header line and one line per item.</summary>
    private async Task<int> WriteListAsync<T>(IReadOnlyList<T> items, bool json, JsonTypeInfo<IReadOnlyList<T>> typeInfo, string header, Func<T, string> line)
    {
        if (json)
        {
            await _context.Output.WriteLineAsync(JsonSerializer.Serialize(items, typeInfo));
            return ExitCodes.Success;
        }

        await _context.Output.WriteLineAsync(header);
        foreach (T item in items)
        {
            await _context.Output.WriteLineAsync(line(item));
        }

        return ExitCodes.Success;
    }
}
