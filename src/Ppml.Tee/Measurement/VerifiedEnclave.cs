namespace Ppml.Tee.Measurement;

/// <summary>A signed enclave that verified against the files of an application directory (<see cref="EnclaveSigner.VerifyFileAsync"/>).</summary>
/// <param name="Identity">The verified identity (MRENCLAVE recomputed from the real files, MRSIGNER, ids).</param>
/// <param name="TrustAnchors">The measured trust anchors, or <see langword="null"/> when the signature records none.</param>
public sealed record VerifiedEnclave(EnclaveIdentity Identity, TrustAnchors? TrustAnchors);
