using Ppml.Core;
using Ppml.Tee;

namespace Ppml.Workloads;

/// <summary>
/// The KMS URL and CA an attested session uses must be the ones measured into the application, never files from an
/// untrusted mount: a host that swaps the CA could otherwise answer as the KMS.
/// </summary>
internal static class TrustAnchorCheck
{
    public static void Verify(TeeRuntime runtime, PpmlSessionOptions options)
    {
        // TODO(#10): compare with the anchors measured into the application (TeeRuntime.TrustAnchors).
        if (runtime.Kind != TeeKind.Simulation)
        {
            throw new WorkloadException(
                $"Inside {runtime.Kind.ToName()} the KMS URL and CA must be measured into the application ('ppml enclave sign --kms-url URL --kms-ca FILE'); none is measured, so KMS {options.KmsUri} cannot be trusted.");
        }
    }
}
