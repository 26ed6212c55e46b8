using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Ppml.Kms.Release;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Attestation;
using Ppml.Kms.Server.Crypto;
using Ppml.Kms.Server.Storage;

namespace Ppml.Kms.Server;

/// <summary>
/// The KMS operations behind the HTTP API: access control (admin, or an application the key allows), release policies,
/// attestation, and an audit record for every key operation, refusals included. Throws <see cref="KmsException"/>.
/// </summary>
internal sealed partial class KmsService
{
    public const int MaxPolicyLength = 64 * 1024;
    private const int MaxListEntries = 64;

    private readonly KmsStore _store;
    private readonly TokenService _tokens;
    private readonly IEvidenceVerifier _verifier;
    private readonly ILogger _logger;
    private readonly bool _durableReadAudits;

    public KmsService(KmsStore store, TokenService tokens, IEvidenceVerifier verifier, ILogger logger, bool durableReadAudits = false)
    {
        _store = store;
        _tokens = tokens;
        _verifier = verifier;
        _logger = logger;
        _durableReadAudits = durableReadAudits;
    }

    public async Task<KeyDescription> CreateKeyAsync(ApplicationState caller, CreateKeyRequest request)
    {
        var audit = new AuditEntry(caller.Id, "key.create", Truncate(request.Name));
        IReadOnlyList<string> allowed = request.AllowedApplications ?? (caller.IsAdmin ? [] : [caller.Id]);
        IReadOnlyList<string> producers = request.Producers ?? [];
        IReadOnlyList<string> readers = request.Readers ?? [];
        try
        {
            KeyNames.Validate(request.Name);
            ValidateApplications(allowed, "allowedApplications");
            ValidateApplications(producers, "producers");
            ValidateApplications(readers, "readers");
            if (request.ReleasePolicy is { } policy)
            {
                ValidateReleasePolicy(policy);
            }

            // Producers and readers receive plaintext keys of a guarded key: only the data owner (an admin) names them, or
            // the holder of a workload's API key could give itself plaintext keys of a key it creates.
            if (!caller.IsAdmin && (producers.Count > 0 || readers.Count > 0))
            {
                throw new KmsException(
                    KmsErrorCode.Forbidden,
                    $"Application '{caller.Id}' has role '{caller.Role}'; fields 'producers' and 'readers' can be set by an admin API key only (leave them out).");
            }
        }
        catch (KmsException exception)
        {
            await RefuseAsync(audit, exception).ConfigureAwait(false);
            throw;
        }

        KeyState key = await _store.CreateKeyAsync(audit, request.Name, allowed, request.ReleasePolicy, producers, readers).ConfigureAwait(false);
        _logger.Operation(caller.Id, audit.Action, key.Name, "ok");
        return key.ToDescription();
    }

    public IReadOnlyList<KeyDescription> ListKeys(ApplicationState caller) =>
        [.. _store.Keys.Where(k => CanUse(caller, k)).OrderBy(k => k.Name, StringComparer.Ordinal).Select(k => k.ToDescription())];

    public KeyDescription DescribeKey(ApplicationState caller, string name) => FindUsable(caller, name).ToDescription();

    public async Task<KeyDescription> RotateKeyAsync(ApplicationState caller, string name)
    {
        var audit = new AuditEntry(caller.Id, "key.rotate", Truncate(name));
        await CheckUsableAsync(audit, caller, name).ConfigureAwait(false);
        KeyState key = await _store.RotateKeyAsync(audit, name).ConfigureAwait(false);
        _logger.Operation(caller.Id, audit.Action, name, "ok");
        return key.ToDescription();
    }

    public async Task<KeyDescription> DisableKeyAsync(ApplicationState caller, string name)
    {
        var audit = new AuditEntry(caller.Id, "key.disable", Truncate(name));
        await RequireAdminAsync(audit, caller).ConfigureAwait(false);
        await CheckUsableAsync(audit, caller, name).ConfigureAwait(false);
        KeyState key = await _store.DisableKeyAsync(audit, name).ConfigureAwait(false);
        _logger.Operation(caller.Id, audit.Action, name, "ok");
        return key.ToDescription();
    }

    public async Task<KeyDescription> SetKeyAccessAsync(ApplicationState caller, string name, SetKeyAccessRequest request)
    {
        var audit = new AuditEntry(caller.Id, "key.access", Truncate(name));
        await RequireAdminAsync(audit, caller).ConfigureAwait(false);
        await CheckUsableAsync(audit, caller, name).ConfigureAwait(false);
        try
        {
            if (request.Producers is null && request.Readers is null)
            {
                throw new KmsException(KmsErrorCode.InvalidRequest, "The request sets neither 'producers' nor 'readers'; send at least one list (an empty list clears it).");
            }

            ValidateApplications(request.Producers ?? [], "producers");
            ValidateApplications(request.Readers ?? [], "readers");
        }
        catch (KmsException exception)
        {
            await RefuseAsync(audit, exception).ConfigureAwait(false);
            throw;
        }

        KeyState key = await _store.SetKeyAccessAsync(audit, name, request.Producers, request.Readers).ConfigureAwait(false);
        _logger.Operation(caller.Id, audit.Action, name, "ok");
        return key.ToDescription();
    }

    public async Task<DataKeyResponse> GenerateDataKeyAsync(ApplicationState caller, string name, bool includePlaintext)
    {
        var audit = new AuditEntry(caller.Id, includePlaintext ? "datakey.generate" : "datakey.generate-wrapped", Truncate(name));
        KeyState key = await CheckUsableAsync(audit, caller, name, requireEnabled: true).ConfigureAwait(false);
        if (includePlaintext && key.ReleasePolicy is not null && !key.IsProducer(caller))
        {
            // A plaintext data key of a guarded key lets its holder make containers the attested workload accepts as the
            // data owner's; only the data owner's producing applications get one.
            await RefuseAsync(audit, new KmsException(
                KmsErrorCode.Forbidden,
                $"Key '{name}' has a release policy and application '{caller.Id}' is not one of its producers, so it gets no plaintext data key: " +
                $"ask with 'includePlaintext': false (wrapped only), create output keys in the TEE and wrap them (POST /v1/keys/{name}/wrap), " +
                $"or have an admin add '{caller.Id}' to the key's producers (PUT /v1/keys/{name}/access).")).ConfigureAwait(false);
        }

        KeyVersionState version = key.Current;
        byte[] primary = _store.Root.OpenKeyVersion(name, version.Version, version.SealedMaterial);
        byte[] dataKey = RandomNumberGenerator.GetBytes(DataKeyWrapping.DataKeySize);
        try
        {
            byte[] wrapped = DataKeyWrapping.Wrap(primary, name, version.Version, dataKey);

            // A generated data key creates no state (the wrapped key is self-contained), so its audit record is committed
            // with the next group rather than before the answer; see KmsStore.AuditReadAsync.
            await AuditReadAsync(audit).ConfigureAwait(false);
            return new DataKeyResponse { KeyName = name, KeyVersion = version.Version, WrappedKey = wrapped, Plaintext = includePlaintext ? (byte[])dataKey.Clone() : null };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(primary);
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public async Task<UnwrapResponse> UnwrapAsync(ApplicationState caller, string name, UnwrapRequest request)
    {
        var audit = new AuditEntry(caller.Id, "datakey.unwrap", Truncate(name));
        KeyState key = await CheckUsableAsync(audit, caller, name, requireEnabled: true).ConfigureAwait(false);
        KeyVersionState? version = null;
        foreach (KeyVersionState candidate in key.Versions)
        {
            if (candidate.Version == request.KeyVersion)
            {
                version = candidate;
            }
        }

        if (version is null)
        {
            await RefuseAsync(audit, new KmsException(KmsErrorCode.KeyNotFound, $"Key '{name}' has no version {request.KeyVersion} (it has 1 to {key.Current.Version}).")).ConfigureAwait(false);
        }

        RuntimeKey? recipient = null;
        bool isGuardedPlaintext = false;
        if (key.ReleasePolicy is { } policy)
        {
            // Without a token, the data owner's readers (and admins) unwrap in plaintext; everyone else needs a token.
            if (string.IsNullOrEmpty(request.AttestationToken) && key.IsReader(caller))
            {
                isGuardedPlaintext = true;
            }
            else
            {
                recipient = await AuthorizeReleaseAsync(audit, caller, key, policy, request.AttestationToken, "unwrap").ConfigureAwait(false);
            }
        }
        else if (!string.IsNullOrEmpty(request.AttestationToken))
        {
            // An attested workload takes every key released to its runtime key, guarded or not: it refuses plaintext
            // answers, since only a KMS that follows the protocol never sends one.
            recipient = await AttestedRecipientAsync(audit, request.AttestationToken).ConfigureAwait(false);
        }

        byte[] primary = _store.Root.OpenKeyVersion(name, version!.Version, version.SealedMaterial);
        byte[] dataKey;
        try
        {
            dataKey = DataKeyWrapping.Unwrap(primary, name, version.Version, request.WrappedKey);
        }
        catch (KmsException exception)
        {
            await RefuseAsync(audit, exception).ConfigureAwait(false);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(primary);
        }

        try
        {
            // A plain unwrap changes nothing: its record joins the next group commit. A secure key release to a TEE, and a
            // guarded key unwrapped in plaintext for a reader, are audited durably before the key leaves.
            await (recipient is null && !isGuardedPlaintext ? AuditReadAsync(audit) : _store.AuditAsync(audit, "ok")).ConfigureAwait(false);
            return recipient is null
                ? new UnwrapResponse { KeyName = name, KeyVersion = version.Version, Plaintext = (byte[])dataKey.Clone() }
                : new UnwrapResponse { KeyName = name, KeyVersion = version.Version, Released = KeyRelease.Seal(recipient, dataKey, name, version.Version) };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public async Task<WrapDataKeyResponse> WrapDataKeyAsync(ApplicationState caller, string name, WrapDataKeyRequest request)
    {
        var audit = new AuditEntry(caller.Id, "datakey.wrap", Truncate(name));
        try
        {
            KeyState key = await CheckUsableAsync(audit, caller, name, requireEnabled: true).ConfigureAwait(false);
            if (request.Plaintext.Length != DataKeyWrapping.DataKeySize)
            {
                await RefuseAsync(audit, new KmsException(
                    KmsErrorCode.InvalidRequest,
                    $"Field 'plaintext' is {request.Plaintext.Length} bytes; a data key is exactly {DataKeyWrapping.DataKeySize} bytes (base64 of 32 random bytes).")).ConfigureAwait(false);
            }

            // Wrapping makes a container the key's readers and attested workloads will accept: for a guarded key, only
            // the data owner (admin, producers) or an attested workload the release policy admits may do it.
            if (key.ReleasePolicy is { } policy && !key.IsProducer(caller))
            {
                await AuthorizeReleaseAsync(audit, caller, key, policy, request.AttestationToken, "wrap").ConfigureAwait(false);
            }

            KeyVersionState version = key.Current;
            byte[] primary = _store.Root.OpenKeyVersion(name, version.Version, version.SealedMaterial);
            byte[] wrapped;
            try
            {
                wrapped = DataKeyWrapping.Wrap(primary, name, version.Version, request.Plaintext);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(primary);
            }

            // Like a generated data key, a wrap creates no state: its audit record joins the next group commit.
            await AuditReadAsync(audit).ConfigureAwait(false);
            return new WrapDataKeyResponse { KeyName = name, KeyVersion = version.Version, WrappedKey = wrapped };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(request.Plaintext);
        }
    }

    public async Task<(ApplicationState Application, string ApiKey)> CreateApplicationAsync(ApplicationState caller, CreateApplicationRequest request)
    {
        var audit = new AuditEntry(caller.Id, "app.create", Truncate(request.Id));
        await RequireAdminAsync(audit, caller).ConfigureAwait(false);
        try
        {
            KeyNames.Validate(request.Id);
            if (request.Role is not (Roles.Admin or Roles.Application))
            {
                throw new KmsException(KmsErrorCode.InvalidRequest, $"Field 'role' is '{Truncate(request.Role)}'; use 'app' or 'admin'.");
            }
        }
        catch (KmsException exception)
        {
            await RefuseAsync(audit, exception).ConfigureAwait(false);
            throw;
        }

        (ApplicationState, string) created = await _store.CreateApplicationAsync(audit, request.Id, request.Role).ConfigureAwait(false);
        _logger.Operation(caller.Id, audit.Action, request.Id, "ok");
        return created;
    }

    public IReadOnlyList<ApplicationDescription> ListApplications(ApplicationState caller)
    {
        RequireAdmin(caller);
        return [.. _store.Applications.OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => a.ToDescription())];
    }

    public async Task<AttestationPolicyDocument> SetPolicyAsync(ApplicationState caller, string id, SetPolicyRequest request)
    {
        var audit = new AuditEntry(caller.Id, "policy.set", Truncate(id));
        await RequireAdminAsync(audit, caller).ConfigureAwait(false);
        string document;
        try
        {
            KeyNames.Validate(id);
            if (request.Policy.ValueKind != JsonValueKind.Object)
            {
                throw new KmsException(KmsErrorCode.InvalidRequest, $"Field 'policy' is a JSON {request.Policy.ValueKind}; it must be an object.");
            }

            document = request.Policy.GetRawText();
            if (document.Length > MaxPolicyLength)
            {
                throw new KmsException(KmsErrorCode.InvalidRequest, $"Field 'policy' is {document.Length} characters; at most {MaxPolicyLength} are accepted.");
            }

            if (_verifier.ValidatePolicy(document) is { } problem)
            {
                throw new KmsException(KmsErrorCode.InvalidRequest, $"Field 'policy' is not a valid appraisal policy: {problem}");
            }
        }
        catch (KmsException exception)
        {
            await RefuseAsync(audit, exception).ConfigureAwait(false);
            throw;
        }

        PolicyState policy = await _store.SetPolicyAsync(audit, id, request.Description, document).ConfigureAwait(false);
        _logger.Operation(caller.Id, audit.Action, id, "ok");
        return ToDocument(policy);
    }

    public IReadOnlyList<AttestationPolicyDocument> ListPolicies() =>
        [.. _store.Policies.OrderBy(p => p.Id, StringComparer.Ordinal).Select(ToDocument)];

    public AttestationPolicyDocument GetPolicy(string id) =>
        _store.TryGetPolicy(id, out PolicyState policy)
            ? ToDocument(policy)
            : throw new KmsException(KmsErrorCode.NotFound, $"Attestation policy '{Truncate(id)}' does not exist; list them with GET /v1/policies.");

    public IReadOnlyList<AuditRecord> ReadAudit(ApplicationState caller, long after, int limit)
    {
        RequireAdmin(caller);
        return _store.ReadAudit(after, limit);
    }

    public (long Count, long? FirstBroken) VerifyAudit(ApplicationState caller)
    {
        RequireAdmin(caller);
        return _store.VerifyAudit();
    }

    private static AttestationPolicyDocument ToDocument(PolicyState policy)
    {
        using JsonDocument document = JsonDocument.Parse(policy.Document);
        return new AttestationPolicyDocument
        {
            Id = policy.Id,
            Description = policy.Description,
            Policy = document.RootElement.Clone(),
            Version = policy.Version,
            UpdatedAt = policy.UpdatedAt,
        };
    }

    private static bool CanUse(ApplicationState caller, KeyState key) =>
        caller.IsAdmin || key.AllowedApplications.Count == 0 || key.AllowedApplications.Contains(caller.Id, StringComparer.Ordinal);

    private KeyState FindUsable(ApplicationState caller, string name)
    {
        // An application that may not use a key learns no more than that it does not exist for it.
        if (!_store.TryGetKey(name, out KeyState key) || !CanUse(caller, key))
        {
            KeyNames.Validate(name);
            throw new KmsException(KmsErrorCode.KeyNotFound, $"Key '{name}' does not exist (or application '{caller.Id}' may not use it).");
        }

        return key;
    }

    private async Task<KeyState> CheckUsableAsync(AuditEntry audit, ApplicationState caller, string name, bool requireEnabled = false)
    {
        try
        {
            KeyState key = FindUsable(caller, name);
            if (requireEnabled && key.DisabledAt is not null)
            {
                throw new KmsException(KmsErrorCode.KeyDisabled, $"Key '{name}' is disabled; it no longer generates or unwraps data keys.");
            }

            return key;
        }
        catch (KmsException exception)
        {
            await RefuseAsync(audit, exception).ConfigureAwait(false);
            throw;
        }
    }

    private static void RequireAdmin(ApplicationState caller)
    {
        if (!caller.IsAdmin)
        {
            throw new KmsException(KmsErrorCode.Forbidden, $"Application '{caller.Id}' has role '{caller.Role}'; this operation needs an admin API key.");
        }
    }

    private async Task RequireAdminAsync(AuditEntry audit, ApplicationState caller)
    {
        try
        {
            RequireAdmin(caller);
        }
        catch (KmsException exception)
        {
            await RefuseAsync(audit, exception).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The audit record of a successful plain read: committed with the next group, or before the answer (<see cref="KmsServerOptions.DurableReadAudits"/>).</summary>
    private Task AuditReadAsync(AuditEntry audit) => _durableReadAudits ? _store.AuditAsync(audit, "ok") : _store.AuditReadAsync(audit, "ok");

    /// <summary>Audits a refusal, then throws it.</summary>
    private async Task RefuseAsync(AuditEntry audit, KmsException exception)
    {
        string result = exception.Code.ToString();
        await _store.AuditAsync(audit, result).ConfigureAwait(false);
        _logger.Operation(audit.Application, audit.Action, audit.Target, result);
        throw exception;
    }

    private static void ValidateApplications(IReadOnlyList<string> applications, string field)
    {
        if (applications.Count > MaxListEntries)
        {
            throw new KmsException(KmsErrorCode.InvalidRequest, $"Field '{field}' has {applications.Count} entries; at most {MaxListEntries} are accepted.");
        }

        foreach (string application in applications)
        {
            if (string.IsNullOrEmpty(application) || !KeyNamePattern().IsMatch(application))
            {
                throw new KmsException(KmsErrorCode.InvalidRequest, $"Field '{field}' holds '{Truncate(application)}', which is not an application id ({KeyNames.Rule}).");
            }
        }
    }

    internal static void ValidateReleasePolicy(KeyReleasePolicy policy)
    {
        if (policy.PolicyId is { } id && !KeyNamePattern().IsMatch(id))
        {
            throw new KmsException(KmsErrorCode.InvalidRequest, $"Field 'releasePolicy.policyId' ('{Truncate(id)}') is not a policy id ({KeyNames.Rule}).");
        }

        if (policy.AllowedTee.Count == 0 && !policy.AllowSimulation)
        {
            throw new KmsException(KmsErrorCode.InvalidRequest, "Field 'releasePolicy.allowedTee' is empty and simulation is not allowed: no TEE could ever unwrap. List 'sgx' and/or 'tdx'.");
        }

        foreach (string tee in policy.AllowedTee)
        {
            if (tee is not (TeeKinds.Sgx or TeeKinds.Tdx))
            {
                throw new KmsException(
                    KmsErrorCode.InvalidRequest,
                    $"Field 'releasePolicy.allowedTee' holds '{Truncate(tee)}'; use 'sgx' or 'tdx' (simulation is allowed with 'allowSimulation': true).");
            }
        }

        CheckHexList(policy.MrEnclave, "releasePolicy.mrEnclave", 32);
        CheckHexList(policy.MrSigner, "releasePolicy.mrSigner", 32);
        CheckHexList(policy.MrTd, "releasePolicy.mrTd", 48);
        if (policy.AllowedTcbStatus.Count is 0 or > MaxListEntries || policy.AllowedTcbStatus.Any(s => string.IsNullOrWhiteSpace(s) || s.Length > 64))
        {
            throw new KmsException(KmsErrorCode.InvalidRequest, "Field 'releasePolicy.allowedTcbStatus' must list 1 to 64 TCB statuses such as 'UpToDate'.");
        }

        if (policy.IsvProdId is < 0 or > ushort.MaxValue || policy.MinIsvSvn is < 0 or > ushort.MaxValue)
        {
            throw new KmsException(KmsErrorCode.InvalidRequest, "Fields 'releasePolicy.isvProdId' and 'releasePolicy.minIsvSvn' must be 0 to 65535.");
        }
    }

    private static void CheckHexList(IReadOnlyList<string> values, string field, int bytes)
    {
        if (values.Count > MaxListEntries)
        {
            throw new KmsException(KmsErrorCode.InvalidRequest, $"Field '{field}' has {values.Count} entries; at most {MaxListEntries} are accepted.");
        }

        foreach (string value in values)
        {
            if (value.Length != bytes * 2 || !HexPattern().IsMatch(value))
            {
                throw new KmsException(KmsErrorCode.InvalidRequest, $"Field '{field}' holds '{Truncate(value)}'; each entry must be {bytes * 2} hex digits.");
            }
        }
    }

    internal static string Truncate(string? value) => value is null ? string.Empty : value.Length <= 64 ? value : value[..64] + "...";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyNamePattern();

    [GeneratedRegex("^[0-9A-Fa-f]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HexPattern();
}
