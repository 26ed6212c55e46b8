using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ppml.Kms.Server.Storage;

namespace Ppml.Kms.Server.Attestation;

/// <summary>
/// Issues and validates attestation tokens: compact JWS (RFC 7515) with ES256 (RFC 7518 §3.4: P-256, SHA-256, r||s),
/// signed by a key sealed in the store; the public keys are served as a JWKS. Validation accepts only ES256 with a kid
/// this server issued, checks the signature before reading any claim, then issuer, expiry and issue time.
/// </summary>
internal sealed class TokenService : IDisposable
{
    public const int MaxTokenLength = 16 * 1024;

    // Clock skew tolerated between this server and itself across restarts; tokens are short-lived anyway.
    private static readonly TimeSpan s_skew = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);
    private readonly string _currentKeyId;
    private readonly string _issuer;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _timeProvider;

    public TokenService(KmsStore store, string issuer, TimeSpan lifetime, TimeProvider timeProvider)
    {
        _issuer = issuer;
        _lifetime = lifetime;
        _timeProvider = timeProvider;
        foreach (SigningKeyState state in store.SigningKeys)
        {
            byte[] pkcs8 = store.Root.OpenSigningKey(state.KeyId, state.SealedMaterial);
            try
            {
                var key = ECDsa.Create();
                key.ImportPkcs8PrivateKey(pkcs8, out _);
                _keys[state.KeyId] = key;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }

        if (store.SigningKeys.Count == 0)
        {
            throw new KmsException(KmsErrorCode.StoreUnavailable, "The KMS store has no token-signing key; the store is corrupted.");
        }

        _currentKeyId = store.SigningKeys[^1].KeyId;
    }

    public TimeSpan Lifetime => _lifetime;

    public string Issue(EvidenceVerdict verdict, string policyId, Ppml.Kms.Release.RuntimeKey runtimeKey, out DateTimeOffset expiresAt)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        expiresAt = now + _lifetime;
        var header = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(header))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", "ES256");
            writer.WriteString("typ", "JWT");
            writer.WriteString("kid", _currentKeyId);
            writer.WriteEndObject();
        }

        var payload = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", _issuer);
            writer.WriteNumber("iat", now.ToUnixTimeSeconds());
            writer.WriteNumber("nbf", now.ToUnixTimeSeconds());
            writer.WriteNumber("exp", expiresAt.ToUnixTimeSeconds());
            writer.WriteString("jti", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
            writer.WriteString("tee", verdict.Tee);
            writer.WriteString("policy_id", policyId);
            WriteOptional(writer, "mr_enclave", verdict.MrEnclave);
            WriteOptional(writer, "mr_signer", verdict.MrSigner);
            if (verdict.IsvProdId is { } prodId)
            {
                writer.WriteNumber("isv_prod_id", prodId);
            }

            if (verdict.IsvSvn is { } svn)
            {
                writer.WriteNumber("isv_svn", svn);
            }

            WriteOptional(writer, "mr_td", verdict.MrTd);
            if (verdict.Rtmrs is { } rtmrs)
            {
                for (int i = 0; i < rtmrs.Count; i++)
                {
                    writer.WriteString("rtmr" + i.ToString(CultureInfo.InvariantCulture), rtmrs[i]);
                }
            }

            writer.WriteString("tcb_status", verdict.TcbStatus);
            writer.WriteStartArray("advisory_ids");
            foreach (string advisory in verdict.AdvisoryIds)
            {
                writer.WriteStringValue(advisory);
            }

            writer.WriteEndArray();
            if (verdict.RevocationChecked is { } revocationChecked)
            {
                writer.WriteBoolean("revocation_checked", revocationChecked);
            }

            writer.WriteString("runtime_key_sha256", runtimeKey.Sha256Hex);
            writer.WriteString("runtime_key", Base64Url.EncodeToString(runtimeKey.SubjectPublicKeyInfo.Span));
            writer.WriteEndObject();
        }

        string signingInput = Base64Url.EncodeToString(header.WrittenSpan) + "." + Base64Url.EncodeToString(payload.WrittenSpan);
        byte[] signature = _keys[_currentKeyId].SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Validates a token; throws <see cref="KmsException"/> (Forbidden) with the reason when it is not acceptable.</summary>
    public AttestationClaims Validate(string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            throw Refused($"it is {token?.Length ?? 0} characters; expected 1 to {MaxTokenLength}");
        }

        string[] parts = token.Split('.');
        if (parts.Length != 3)
        {
            throw Refused($"it has {parts.Length} dot-separated parts; a JWS compact token has 3");
        }

        byte[] headerBytes = Decode(parts[0], "header");
        byte[] payloadBytes = Decode(parts[1], "payload");
        byte[] signature = Decode(parts[2], "signature");
        string keyId;
        try
        {
            using JsonDocument header = JsonDocument.Parse(headerBytes);
            string? alg = header.RootElement.ValueKind == JsonValueKind.Object && header.RootElement.TryGetProperty("alg", out JsonElement a) && a.ValueKind == JsonValueKind.String
                ? a.GetString() : null;
            if (alg != "ES256")
            {
                throw Refused($"its header alg is '{alg}'; only ES256 is accepted");
            }

            keyId = header.RootElement.TryGetProperty("kid", out JsonElement k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : string.Empty;
        }
        catch (JsonException exception)
        {
            throw Refused("its header is not JSON", exception);
        }

        if (!_keys.TryGetValue(keyId, out ECDsa? key))
        {
            throw Refused($"it names signing key '{Truncate(keyId)}', which this server does not hold (forged, or from another server)");
        }

        if (signature.Length != 64
            || !key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            throw Refused("its signature does not verify (forged or altered)");
        }

        try
        {
            using JsonDocument payload = JsonDocument.Parse(payloadBytes);
            return ReadClaims(payload.RootElement);
        }
        catch (JsonException exception)
        {
            throw Refused("its payload is not JSON", exception);
        }
    }

    public string JsonWebKeySet()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach ((string keyId, ECDsa key) in _keys)
            {
                ECParameters parameters = key.ExportParameters(includePrivateParameters: false);
                writer.WriteStartObject();
                writer.WriteString("kty", "EC");
                writer.WriteString("crv", "P-256");
                writer.WriteString("x", Base64Url.EncodeToString(parameters.Q.X));
                writer.WriteString("y", Base64Url.EncodeToString(parameters.Q.Y));
                writer.WriteString("kid", keyId);
                writer.WriteString("use", "sig");
                writer.WriteString("alg", "ES256");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public void Dispose()
    {
        foreach (ECDsa key in _keys.Values)
        {
            key.Dispose();
        }
    }

    private AttestationClaims ReadClaims(JsonElement claims)
    {
        if (claims.ValueKind != JsonValueKind.Object)
        {
            throw Refused("its payload is not a JSON object");
        }

        string issuer = RequiredString(claims, "iss");
        if (issuer != _issuer)
        {
            throw Refused($"it was issued by '{Truncate(issuer)}', not by this server ('{_issuer}')");
        }

        DateTimeOffset now = _timeProvider.GetUtcNow();
        DateTimeOffset expiresAt = DateTimeOffset.FromUnixTimeSeconds(RequiredNumber(claims, "exp"));
        DateTimeOffset issuedAt = DateTimeOffset.FromUnixTimeSeconds(RequiredNumber(claims, "iat"));
        if (now > expiresAt + s_skew)
        {
            throw Refused(string.Create(CultureInfo.InvariantCulture, $"it expired at {expiresAt:u}; attest again for a fresh token"));
        }

        if (issuedAt > now + s_skew)
        {
            throw Refused(string.Create(CultureInfo.InvariantCulture, $"it was issued in the future ({issuedAt:u})"));
        }

        string tee = RequiredString(claims, "tee");
        if (!TeeKinds.IsKnown(tee))
        {
            throw Refused($"its tee claim '{Truncate(tee)}' is not sgx, tdx or simulation");
        }

        byte[] runtimeKey = Decode(RequiredString(claims, "runtime_key"), "runtime_key claim");
        string runtimeKeySha256 = RequiredString(claims, "runtime_key_sha256");
        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(runtimeKey)), runtimeKeySha256, StringComparison.Ordinal))
        {
            throw Refused("its runtime_key does not hash to runtime_key_sha256");
        }

        var rtmrs = new List<string>();
        for (int i = 0; i < 4 && claims.TryGetProperty("rtmr" + i.ToString(CultureInfo.InvariantCulture), out JsonElement rtmr) && rtmr.ValueKind == JsonValueKind.String; i++)
        {
            rtmrs.Add(rtmr.GetString()!);
        }

        var advisories = new List<string>();
        if (claims.TryGetProperty("advisory_ids", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in list.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    advisories.Add(item.GetString()!);
                }
            }
        }

        return new AttestationClaims
        {
            Issuer = issuer,
            IssuedAt = issuedAt,
            ExpiresAt = expiresAt,
            TokenId = OptionalString(claims, "jti") ?? string.Empty,
            Tee = tee,
            PolicyId = RequiredString(claims, "policy_id"),
            MrEnclave = OptionalString(claims, "mr_enclave"),
            MrSigner = OptionalString(claims, "mr_signer"),
            IsvProdId = OptionalInt(claims, "isv_prod_id"),
            IsvSvn = OptionalInt(claims, "isv_svn"),
            MrTd = OptionalString(claims, "mr_td"),
            Rtmrs = rtmrs.Count > 0 ? rtmrs : null,
            TcbStatus = RequiredString(claims, "tcb_status"),
            AdvisoryIds = advisories,
            RuntimeKeySha256 = runtimeKeySha256,
            RuntimeKey = runtimeKey,
        };
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static string RequiredString(JsonElement claims, string name) =>
        OptionalString(claims, name) ?? throw Refused($"it has no string claim '{name}'");

    private static string? OptionalString(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long RequiredNumber(JsonElement claims, string name)
    {
        if (claims.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number)
            && number is >= 0 and <= 253402300799)
        {
            return number;
        }

        throw Refused($"it has no valid numeric claim '{name}'");
    }

    private static int? OptionalInt(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) ? number : null;

    private static byte[] Decode(string part, string what)
    {
        try
        {
            return Base64Url.DecodeFromChars(part);
        }
        catch (FormatException exception)
        {
            throw Refused($"its {what} is not base64url", exception);
        }
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "...";

    private static KmsException Refused(string why, Exception? inner = null) =>
        new(KmsErrorCode.Forbidden, $"The attestation token is refused: {why}.", inner);
}
