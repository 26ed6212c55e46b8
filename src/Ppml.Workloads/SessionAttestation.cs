namespace Ppml.Workloads;

/// <summary>Whether a <see cref="PpmlSession"/> proves what it runs before it receives keys.</summary>
public enum SessionAttestation
{
    /// <summary>
    /// The rule of the product: with a KMS server, attest (in SGX, TDX and simulation alike) and accept only data keys
    /// released to the session's runtime key; with the embedded <c>file:</c> KMS there is nothing to attest to.
    /// </summary>
    Auto,

    /// <summary>
    /// The data owner's path (<c>ppml encrypt</c>, <c>ppml decrypt --owner</c>): no TEE, no attestation; the KMS hands
    /// plaintext data keys of a guarded key only to the applications the key names as producers or readers.
    /// </summary>
    Owner,
}
