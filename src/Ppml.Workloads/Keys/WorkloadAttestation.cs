using System.Security.Cryptography;
using Ppml.Kms.Release;
using Ppml.Kms.Remote;
using Ppml.Tee.Evidence;

namespace Ppml.Workloads.Keys;

/// <summary>
/// One attestation of a workload to a KMS server: a fresh P-256 runtime key (memory only), a quote whose report data is
/// SHA-256(runtime key SPKI) || 32 zero bytes (the server's binding rule), the provider's collateral when it has it,
/// <c>POST /v1/attest</c>, and the client armed with the token (<see cref="KmsClient.UseAttestation"/>).
/// </summary>
public static class WorkloadAttestation
{
    /// <summary>Attests and arms <paramref name="client"/>.</summary>
    /// <param name="client">The KMS client; from now on it accepts only released keys.</param>
    /// <param name="evidence">The TEE's evidence provider.</param>
    /// <param name="policyId">The attestation policy registered on the KMS.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The token and the runtime key; the caller owns the key and disposes it after the client's last unwrap.</returns>
    /// <exception cref="Ppml.Tee.TeeException">The TEE would not produce evidence.</exception>
    /// <exception cref="Ppml.Kms.KmsException">The KMS refused the evidence (403 with its reason) or is unreachable.</exception>
    public static async Task<(AttestResponse Response, ECDiffieHellman RuntimeKey)> AttestAsync(
        KmsClient client, IEvidenceProvider evidence, string policyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentException.ThrowIfNullOrEmpty(policyId);
        var runtimeKey = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            RuntimeKey publicKey = RuntimeKey.FromKey(runtimeKey);
            byte[] quote = await evidence.GetQuoteAsync(publicKey.ToReportData(), cancellationToken).ConfigureAwait(false);
            byte[]? collateral = evidence is IEvidenceCollateralSource source
                ? await source.GetCollateralAsync(quote, cancellationToken).ConfigureAwait(false)
                : null;
            AttestResponse response = await client.AttestAsync(
                new AttestRequest { PolicyId = policyId, Evidence = quote, Collateral = collateral, RuntimeKey = publicKey.SubjectPublicKeyInfo.ToArray() },
                cancellationToken).ConfigureAwait(false);
            client.UseAttestation(response.Token, runtimeKey);
            return (response, runtimeKey);
        }
        catch
        {
            runtimeKey.Dispose();
            throw;
        }
    }
}
