using Ppml.Kms.Remote;

namespace Ppml.Kms.Server.Attestation;

/// <summary>Decides whether an attestation token satisfies a key's release policy; the first unmet rule is the reason.</summary>
internal static class ReleasePolicyEvaluator
{
    /// <returns><see langword="null"/> when every rule holds; else the reason.</returns>
    public static string? Evaluate(KeyReleasePolicy policy, AttestationClaims claims)
    {
        if (policy.PolicyId is { } policyId && policyId != claims.PolicyId)
        {
            return $"the token was issued under attestation policy '{claims.PolicyId}', but the key requires '{policyId}'";
        }

        if (claims.Tee == TeeKinds.Simulation)
        {
            if (!policy.AllowSimulation)
            {
                return "the token is for simulated evidence (tee 'simulation'), and the key's release policy does not allow simulation";
            }
        }
        else if (!policy.AllowedTee.Contains(claims.Tee, StringComparer.Ordinal))
        {
            return $"the token's tee is '{claims.Tee}'; the key accepts {string.Join(", ", policy.AllowedTee)}";
        }

        if (!policy.AllowedTcbStatus.Contains(claims.TcbStatus, StringComparer.Ordinal))
        {
            return $"the token's TCB status is '{claims.TcbStatus}'; the key accepts {string.Join(", ", policy.AllowedTcbStatus)}";
        }

        return Matches("mr_enclave", policy.MrEnclave, claims.MrEnclave)
            ?? Matches("mr_signer", policy.MrSigner, claims.MrSigner)
            ?? Matches("mr_td", policy.MrTd, claims.MrTd)
            ?? CheckProduct(policy, claims)
            ?? CheckSvn(policy, claims);
    }

    private static string? Matches(string claim, IReadOnlyList<string> accepted, string? actual)
    {
        if (accepted.Count == 0)
        {
            return null;
        }

        if (actual is null)
        {
            return $"the token has no {claim}, which the key requires";
        }

        return accepted.Any(a => string.Equals(a, actual, StringComparison.OrdinalIgnoreCase))
            ? null
            : $"the token's {claim} {Short(actual)} is not among the {accepted.Count} the key accepts";
    }

    private static string? CheckProduct(KeyReleasePolicy policy, AttestationClaims claims) =>
        policy.IsvProdId is { } required && claims.IsvProdId != required
            ? $"the token's isv_prod_id is {claims.IsvProdId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "absent"}; the key requires {required}"
            : null;

    private static string? CheckSvn(KeyReleasePolicy policy, AttestationClaims claims) =>
        policy.MinIsvSvn is { } minimum && (claims.IsvSvn is not { } svn || svn < minimum)
            ? $"the token's isv_svn is {claims.IsvSvn?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "absent"}; the key requires at least {minimum}"
            : null;

    private static string Short(string hex) => hex.Length <= 16 ? hex : hex[..16] + "...";
}
