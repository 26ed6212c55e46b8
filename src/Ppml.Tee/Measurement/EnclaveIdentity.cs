namespace Ppml.Tee.Measurement;

/// <summary>The identity an enclave reports in its quotes.</summary>
/// <param name="MrEnclave">MRENCLAVE (32 bytes).</param>
/// <param name="MrSigner">MRSIGNER (32 bytes).</param>
/// <param name="IsvProdId">ISVPRODID.</param>
/// <param name="IsvSvn">ISVSVN.</param>
/// <param name="Debug">Whether the enclave is a debug enclave.</param>
public sealed record EnclaveIdentity(byte[] MrEnclave, byte[] MrSigner, ushort IsvProdId, ushort IsvSvn, bool Debug)
{
    /// <summary>MRENCLAVE as lowercase hex.</summary>
    public string MrEnclaveHex => Convert.ToHexStringLower(MrEnclave);

    /// <summary>MRSIGNER as lowercase hex.</summary>
    public string MrSignerHex => Convert.ToHexStringLower(MrSigner);
}
