using System.Buffers.Binary;

namespace Ppml.Tee.Evidence;

/// <summary>
/// Minimal structural checks on a quote returned by the TEE: header version and TEE type, and that the report data
/// in the body is the one we asked for (full verification is Ppml.Attestation's job, on the verifier's side). Every
/// <see cref="IEvidenceProvider"/> runs it on what its TEE returned, including providers composed outside this library.
/// </summary>
public static class QuoteShape
{
    private const int HeaderLength = 48;
    private const uint SgxTeeType = 0x00000000;
    private const uint TdxTeeType = 0x00000081;

    /// <summary>Checks that <paramref name="quote"/> is an SGX v3, TDX v4 or v5 quote whose report data is <paramref name="reportData"/>.</summary>
    /// <param name="quote">The quote the TEE returned.</param>
    /// <param name="reportData">The 64 bytes that were asked for.</param>
    /// <param name="source">Names the TEE interface in error messages (a device path, "the simulated quoting enclave").</param>
    /// <exception cref="TeeException">The quote is too short, of an unsupported version, or carries other report data.</exception>
    public static void RequireReportData(ReadOnlySpan<byte> quote, ReadOnlySpan<byte> reportData, string source)
    {
        if (quote.Length < HeaderLength + 384)
        {
            throw new TeeException($"{source} returned {quote.Length} bytes: too short for a DCAP quote.");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(quote);
        uint teeType = BinaryPrimitives.ReadUInt32LittleEndian(quote[4..]);
        int reportDataOffset = (version, teeType) switch
        {
            (3, SgxTeeType) => HeaderLength + 320,
            (4, TdxTeeType) => HeaderLength + 520,
            (5, _) => Version5ReportDataOffset(quote, source),
            _ => throw new TeeException($"{source} returned a quote of version {version} for TEE type 0x{teeType:x8}, which is not supported."),
        };

        if (quote.Length < reportDataOffset + 64 || !quote.Slice(reportDataOffset, 64).SequenceEqual(reportData))
        {
            throw new TeeException($"{source} returned a quote whose report data is not the 64 bytes written: the TEE ignored the request or another process raced us.");
        }
    }

    private static int Version5ReportDataOffset(ReadOnlySpan<byte> quote, string source)
    {
        // v5: header(48) then body descriptor type(2) size(4), then the body.
        ushort bodyType = BinaryPrimitives.ReadUInt16LittleEndian(quote[HeaderLength..]);
        int bodyStart = HeaderLength + 6;
        return bodyType switch
        {
            1 => bodyStart + 320,
            2 or 3 => bodyStart + 520,
            _ => throw new TeeException($"{source} returned a v5 quote with unknown body type {bodyType}."),
        };
    }
}
