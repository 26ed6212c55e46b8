using System.Text;
using System.Text.Json;
using Ppml.Core.IO;
using Ppml.Kms;
using Ppml.Kms.Remote;
using Ppml.Workloads.Workspace;

namespace Ppml.Workloads.Keys;

/// <summary>
/// The data owner's and the administrator's KMS operations as library calls (<c>ppml kms key|app|policy</c>): each opens
/// the KMS of a <see cref="KmsTarget"/>, does one thing and returns what the KMS answered. Policies, applications and
/// key access rules exist only on a KMS server (<see cref="KmsTarget.IsKmsServer"/>).
/// </summary>
public static class KmsAdministration
{
    /// <summary>Creates a primary key; with a release policy or allowed applications, on a KMS server only.</summary>
    /// <param name="host">The hosting process.</param>
    /// <param name="target">The KMS.</param>
    /// <param name="name">The key name.</param>
    /// <param name="releasePolicyFile">A JSON <see cref="KeyReleasePolicy"/>; <see langword="null"/> for none.</param>
    /// <param name="allowedApplications">Applications allowed to use the key; <see langword="null"/> or empty for the server's default.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The key.</returns>
    /// <exception cref="WorkloadException">The policy file is not valid JSON, or a policy or allowed applications were given for a KMS that is not a server.</exception>
    public static async Task<PrimaryKeyInfo> CreateKeyAsync(
        IWorkloadHost host, KmsTarget target, string name, string? releasePolicyFile = null, IReadOnlyList<string>? allowedApplications = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        bool guarded = releasePolicyFile is not null || allowedApplications is { Count: > 0 };
        if (guarded && !target.IsKmsServer)
        {
            throw new WorkloadException("A release policy or allowed applications need a KMS server (an https:// KMS).", isInvalidInput: true);
        }

        KeyReleasePolicy? policy = releasePolicyFile is null ? null : await ReadReleasePolicyAsync(host.ResolvePath(releasePolicyFile), cancellationToken).ConfigureAwait(false);
        using IKeyManagementService kms = await target.OpenAsync(host, cancellationToken).ConfigureAwait(false);
        if (!guarded)
        {
            return await kms.CreateKeyAsync(name, cancellationToken).ConfigureAwait(false);
        }

        var request = new CreateKeyRequest { Name = name, ReleasePolicy = policy, AllowedApplications = allowedApplications is { Count: > 0 } ? allowedApplications : null };
        return (await ((KmsClient)kms).CreateKeyAsync(request, cancellationToken).ConfigureAwait(false)).ToInfo();
    }

    /// <summary>Adds a version to a primary key; older versions still unwrap.</summary>
    /// <param name="host">The hosting process.</param>
    /// <param name="target">The KMS.</param>
    /// <param name="name">The key name.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The key.</returns>
    public static async Task<PrimaryKeyInfo> RotateKeyAsync(IWorkloadHost host, KmsTarget target, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        using IKeyManagementService kms = await target.OpenAsync(host, cancellationToken).ConfigureAwait(false);
        return await kms.RotateKeyAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disables a primary key on a KMS server: no more data keys or unwraps.</summary>
    /// <param name="host">The hosting process.</param>
    /// <param name="target">The KMS server.</param>
    /// <param name="name">The key name.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The key.</returns>
    public static async Task<PrimaryKeyInfo> DisableKeyAsync(IWorkloadHost host, KmsTarget target, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        using KmsClient kms = await target.OpenRemoteAsync(host, cancellationToken).ConfigureAwait(false);
        return (await kms.DisableKeyAsync(name, cancellationToken).ConfigureAwait(false)).ToInfo();
    }

    /// <summary>Lists the primary keys.</summary>
    /// <param name="host">The hosting process.</param>
    /// <param name="target">The KMS.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The keys.</returns>
    public static async Task<IReadOnlyList<PrimaryKeyInfo>> ListKeysAsync(IWorkloadHost host, KmsTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        using IKeyManagementService kms = await target.OpenAsync(host, cancellationToken).ConfigureAwait(false);
        return await kms.ListKeysAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Registers an application on a KMS server and writes its API key to <paramref name="apiKeyFile"/> (mode 0600, never overwritten).</summary>
    /// <param name="host">The hosting process.</param>
    /// <param name="target">The KMS server.</param>
    /// <param name="id">The application id.</param>
    /// <param name="role"><c>app</c> or <c>admin</c>.</param>
    /// <param name="apiKeyFile">The file for the API key; it must not exist.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The application, without its API key.</returns>
    /// <exception cref="WorkloadException"><paramref name="apiKeyFile"/> exists (checked before the server is asked).</exception>
    public static async Task<ApplicationDescription> CreateApplicationAsync(
        IWorkloadHost host, KmsTarget target, string id, string role, string apiKeyFile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        string path = host.ResolvePath(apiKeyFile);
        if (File.Exists(path))
        {
            throw new WorkloadException($"'{path}' already exists; an API key file is never overwritten.");
        }

        using KmsClient kms = await target.OpenRemoteAsync(host, cancellationToken).ConfigureAwait(false);
        ApplicationDescription application = await kms.CreateApplicationAsync(new CreateApplicationRequest { Id = id, Role = role }, cancellationToken).ConfigureAwait(false);
        await SecretFiles.WriteAllBytesAsync(path, Encoding.ASCII.GetBytes(application.ApiKey + "\n"), overwrite: false, cancellationToken).ConfigureAwait(false);
        return application with { ApiKey = null };
    }

    /// <summary>Lists the applications of a KMS server.</summary>
    /// <param name="host">The hosting process.</param>
    /// <param name="target">The KMS server.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The applications.</returns>
    public static async Task<IReadOnlyList<ApplicationDescription>> ListApplicationsAsync(IWorkloadHost host, KmsTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        using KmsClient kms = await target.OpenRemoteAsync(host, cancellationToken).ConfigureAwait(false);
        return await kms.ListApplicationsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Registers or replaces an attestation (appraisal) policy on a KMS server.</summary>
    /// <param name="host">The hosting process.</param>
    /// <param name="target">The KMS server.</param>
    /// <param name="id">The policy id.</param>
    /// <param name="policyFile">The policy, a JSON object as the quote verifier reads it.</param>
    /// <param name="description">A human description; may be null.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The stored policy.</returns>
    /// <exception cref="WorkloadException">The file is not valid JSON.</exception>
    public static async Task<AttestationPolicyDocument> SetPolicyAsync(
        IWorkloadHost host, KmsTarget target, string id, string policyFile, string? description = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        string path = host.ResolvePath(policyFile);
        JsonElement policy;
        try
        {
            using JsonDocument document = JsonDocument.Parse(await SecretFiles.ReadAllBytesAsync(path, SecretFileKind.TrustAnchor, cancellationToken).ConfigureAwait(false));
            policy = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new WorkloadException($"Policy '{path}' is not valid JSON: {exception.Message}", isInvalidInput: true, exception);
        }

        using KmsClient kms = await target.OpenRemoteAsync(host, cancellationToken).ConfigureAwait(false);
        return await kms.SetPolicyAsync(id, new SetPolicyRequest { Description = description, Policy = policy }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the attestation policies of a KMS server.</summary>
    /// <param name="host">The hosting process.</param>
    /// <param name="target">The KMS server.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The policies.</returns>
    public static async Task<IReadOnlyList<AttestationPolicyDocument>> ListPoliciesAsync(IWorkloadHost host, KmsTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        using KmsClient kms = await target.OpenRemoteAsync(host, cancellationToken).ConfigureAwait(false);
        return await kms.ListPoliciesAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<KeyReleasePolicy> ReadReleasePolicyAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return JsonSerializer.Deserialize(await SecretFiles.ReadAllBytesAsync(path, SecretFileKind.TrustAnchor, cancellationToken).ConfigureAwait(false), KmsWireJsonContext.Default.KeyReleasePolicy)
                ?? throw new WorkloadException($"Release policy '{path}' is JSON null.", isInvalidInput: true);
        }
        catch (JsonException exception)
        {
            throw new WorkloadException($"Release policy '{path}' is not valid JSON: {exception.Message}", isInvalidInput: true, exception);
        }
    }
}
