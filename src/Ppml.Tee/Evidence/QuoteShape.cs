using System.Buffers.Binary;

namespace Ppml.Tee.Evidence;

/// <summary>
/// Minimal structural checks on a quote returned by the TEE: header version and TEE type, and that the report data
/// in the body is the one we asked for (full verification is Ppml.Attestation's job, on the verifier's side).
/// </summary>
internal static class QuoteShape
{
    private const int HeaderLength = 48;
    private const uint SgxTeeType = 0x00000000;
    private const uint TdxTeeType = 0x00000081;

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
