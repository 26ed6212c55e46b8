using System.Security.Cryptography;
using Ppml.Kms.Release;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Attestation;
using Ppml.Kms.Server.Storage;

namespace Ppml.Kms.Server;

/// <summary>Attestation and secure key release.</summary>
internal sealed partial class KmsService
{
    public async Task<AttestResponse> AttestAsync(ApplicationState caller, AttestRequest request, CancellationToken cancellationToken)
    {
        var audit = new AuditEntry(caller.Id, "attest", Truncate(request.PolicyId));
        try
        {
            if (!_store.TryGetPolicy(request.PolicyId, out PolicyState policy))
            {
                throw new KmsException(KmsErrorCode.NotFound, $"Attestation policy '{Truncate(request.PolicyId)}' does not exist; register it with PUT /v1/policies/{{id}}.");
            }

            RuntimeKey runtimeKey = ParseRuntimeKey(request);
            if (request.Evidence.Length == 0)
            {
                throw new KmsException(KmsErrorCode.InvalidRequest, "Field 'evidence' is empty; send the quote bytes (base64).");
            }

            EvidenceVerdict verdict;
            try
            {
                verdict = await _verifier.VerifyAsync(request.Evidence, request.Collateral, policy.Document, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is FormatException or ArgumentException or CryptographicException or InvalidDataException)
            {
                throw new KmsException(KmsErrorCode.InvalidRequest, $"Field 'evidence' or 'collateral' is malformed: {exception.Message}", exception);
            }

            if (!TeeKinds.IsKnown(verdict.Tee))
            {
                throw new KmsException(KmsErrorCode.Forbidden, $"The evidence is of TEE kind '{Truncate(verdict.Tee)}', which this server does not accept.");
            }

            if (!verdict.IsAccepted)
            {
                throw new KmsException(KmsErrorCode.Forbidden, $"The {verdict.Tee} evidence is rejected under policy '{policy.Id}': {verdict.Reason ?? "no reason given"}");
            }

            CheckBinding(verdict.ReportData.Span, runtimeKey);
            string token = _tokens.Issue(verdict, policy.Id, runtimeKey, out DateTimeOffset expiresAt);
            await _store.AuditAsync(audit, "ok").ConfigureAwait(false);
            _logger.AttestationIssued(caller.Id, policy.Id, verdict.Tee, verdict.TcbStatus, runtimeKey.Sha256Hex[..12]);
            return new AttestResponse { Token = token, ExpiresAt = expiresAt };
        }
        catch (KmsException exception)
        {
            _logger.AttestationRefused(caller.Id, Truncate(request.PolicyId), exception.Message);
            await RefuseAsync(audit, exception).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The binding rule: REPORTDATA = SHA-256(runtime key SPKI DER) || 32 zero bytes. Only code inside the TEE can put
    /// that into a quote, so a token (and a released key) reaches only the holder of the private runtime key.
    /// </summary>
    internal static void CheckBinding(ReadOnlySpan<byte> reportData, RuntimeKey runtimeKey)
    {
        if (reportData.Length != 64)
        {
            throw new KmsException(KmsErrorCode.Forbidden, $"The quote's report data is {reportData.Length} bytes; 64 are expected.");
        }

        if (!CryptographicOperations.FixedTimeEquals(reportData[..32], runtimeKey.Sha256.Span) || reportData[32..].ContainsAnyExcept((byte)0))
        {
            throw new KmsException(
                KmsErrorCode.Forbidden,
                "The quote's report data does not bind the runtime key: it must be SHA-256(runtime key SubjectPublicKeyInfo) followed by 32 zero bytes.");
        }
    }

    private static RuntimeKey ParseRuntimeKey(AttestRequest request)
    {
        if (request.RuntimeKey is not null && request.RuntimeKeyJwk is not null)
        {
            throw new KmsException(KmsErrorCode.InvalidRequest, "Send the runtime key once: either 'runtimeKey' (SPKI) or 'runtimeKeyJwk', not both.");
        }

        if (request.RuntimeKey is { } spki)
        {
            return RuntimeKey.FromSubjectPublicKeyInfo(spki);
        }

        if (request.RuntimeKeyJwk is { } jwk)
        {
            return RuntimeKey.FromJwk(jwk);
        }

        throw new KmsException(KmsErrorCode.InvalidRequest, "Field 'runtimeKey' (base64 SPKI) or 'runtimeKeyJwk' is required: the TEE's ephemeral P-256 public key.");
    }

    /// <summary>
    /// Checks that <paramref name="token"/> is a valid attestation token satisfying the key's release policy; returns the
    /// runtime key it is bound to. <paramref name="operation"/> ("unwrap", "wrap") names what was asked, for the message.
    /// </summary>
    private async Task<RuntimeKey> AuthorizeReleaseAsync(AuditEntry audit, ApplicationState caller, KeyState key, KeyReleasePolicy policy, string? token, string operation)
    {
        try
        {
            if (string.IsNullOrEmpty(token))
            {
                string owners = operation == "wrap" ? "producers" : "readers";
                throw new KmsException(
                    KmsErrorCode.Forbidden,
                    $"Key '{key.Name}' has a release policy: to {operation} without an admin API key or being one of the key's {owners}, " +
                    "send 'attestationToken' (from POST /v1/attest) of a TEE the policy admits.");
            }

            AttestationClaims claims = _tokens.Validate(token);
            if (ReleasePolicyEvaluator.Evaluate(policy, claims) is { } reason)
            {
                _logger.UnwrapRefused(key.Name, policy.PolicyId ?? "(any)", reason);
                throw new KmsException(KmsErrorCode.Forbidden, $"Key '{key.Name}' release policy is not satisfied: {reason}.");
            }

            if (claims.Tee == TeeKinds.Simulation)
            {
                _logger.SimulationRelease(key.Name, caller.Id);
            }

            return RuntimeKey.FromSubjectPublicKeyInfo(claims.RuntimeKey);
        }
        catch (KmsException exception)
        {
            await RefuseAsync(audit, exception).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The runtime key of a valid token, for a key without a release policy (no policy to satisfy).</summary>
    private async Task<RuntimeKey> AttestedRecipientAsync(AuditEntry audit, string token)
    {
        try
        {
            return RuntimeKey.FromSubjectPublicKeyInfo(_tokens.Validate(token).RuntimeKey);
        }
        catch (KmsException exception)
        {
            await RefuseAsync(audit, exception).ConfigureAwait(false);
            throw;
        }
    }
}
