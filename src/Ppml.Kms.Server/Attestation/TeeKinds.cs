namespace Ppml.Kms.Server.Attestation;

/// <summary>The <c>tee</c> claim values.</summary>
public static class TeeKinds
{
    /// <summary>Intel SGX enclave.</summary>
    public const string Sgx = "sgx";

    /// <summary>Intel TDX trust domain.</summary>
    public const string Tdx = "tdx";

    /// <summary>Simulated evidence: same formats and checks, no hardware memory protection.</summary>
    public const string Simulation = "simulation";

    /// <summary>Whether <paramref name="tee"/> is one of the three.</summary>
    /// <param name="tee">The value.</param>
    /// <returns>True for sgx, tdx and simulation.</returns>
    public static bool IsKnown(string? tee) => tee is Sgx or Tdx or Simulation;
}
