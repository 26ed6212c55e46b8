namespace Ppml.Attestation;

/// <summary>
/// The production Intel SGX Root CA (<c>CN=Intel SGX Root CA</c>, serial 22650CD65A9D3489F383B49552BF501B392706AC,
/// SHA-256 44A0196B...FAB674D3), built into the library as the default and only implicit trust anchor.
/// </summary>
internal static class IntelSgxRootCa
{
    private static readonly byte[] s_der = Load();

    /// <summary>The certificate, DER.</summary>
    public static ReadOnlyMemory<byte> Der => s_der;

    private static byte[] Load()
    {
        using Stream stream = typeof(IntelSgxRootCa).Assembly.GetManifestResourceStream("Ppml.Attestation.intel_sgx_root_ca.der")
            ?? throw new InvalidOperationException("The embedded Intel SGX Root CA resource is missing from Ppml.Attestation.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
