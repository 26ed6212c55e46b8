using System.Text;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Tests.Support;

namespace Ppml.Attestation.Tests.Quotes;

public sealed class QuoteEncodingTests
{
    [Fact]
    public void Decode_BinaryHexAndBase64_GiveTheSameBytes()
    {
        byte[] binary = DcapVectors.Read("phala-dcap-qvl/sgx_quote.bin");

        Assert.Equal(binary, QuoteEncoding.Decode(binary));
        Assert.Equal(binary, QuoteEncoding.Decode(Encoding.ASCII.GetBytes("0x" + Convert.ToHexString(binary) + "\n")));
        Assert.Equal(binary, QuoteEncoding.Decode(Encoding.ASCII.GetBytes(Convert.ToBase64String(binary, Base64FormattingOptions.InsertLineBreaks))));
        Assert.Throws<AttestationFormatException>(() => QuoteEncoding.Decode([]));
    }

    [Fact]
    public void Decode_TextNeitherHexNorBase64_NamesTheInput()
    {
        AttestationFormatException error = Assert.Throws<AttestationFormatException>(() => QuoteEncoding.Decode("not a quote!"u8, "quote.txt"));

        Assert.Equal("quote.txt", error.Field);
        Assert.StartsWith("quote.txt: text that is neither hex nor base64", error.Message, StringComparison.Ordinal);
    }
}
