using System.Text;
using Ppml.Attestation.Internal;

namespace Ppml.Attestation.Collateral;

/// <summary>
/// An X.509 certificate chain in any order (Intel ships some leaf-first and some root-first): the PCK chain
/// (root CA, PCK Processor/Platform CA, PCK certificate) or the TCB signing chain (root CA, TCB signing certificate).
/// </summary>
public sealed class CertificateChain
{
    private CertificateChain(IReadOnlyList<ParsedCertificate> certificates)
    {
        Parsed = certificates;
    }

    /// <summary>The DER encoding of each certificate, in the order given.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Certificates => Parsed.Select(c => (ReadOnlyMemory<byte>)c.Der).ToArray();

    /// <summary>Number of certificates.</summary>
    public int Count => Parsed.Count;

    internal IReadOnlyList<ParsedCertificate> Parsed { get; }

    /// <summary>
    /// Parses one or more certificates: concatenated PEM blocks (trailing NULs, as in quote certification data, are
    /// ignored) or a single DER certificate.
    /// </summary>
    /// <param name="data">PEM text or DER bytes.</param>
    /// <param name="input">Names the input in error messages.</param>
    /// <returns>The chain.</returns>
    /// <exception cref="AttestationFormatException">The data holds no certificate or a malformed one.</exception>
    public static CertificateChain Parse(ReadOnlySpan<byte> data, string input = "certificate chain")
    {
        ReadOnlySpan<byte> trimmed = TextEncodings.TrimTextPadding(data);
        if (trimmed.IsEmpty)
        {
            throw new AttestationFormatException($"{input}: no certificate (the input is empty).", input, 0);
        }

        if (!TextEncodings.IsPrintableText(trimmed))
        {
            return new CertificateChain([ParsedCertificate.Parse(data, input)]);
        }

        string text = Encoding.ASCII.GetString(trimmed);
        List<byte[]> blocks = TextEncodings.ReadPemBlocks(text, "CERTIFICATE", input);
        if (blocks.Count == 0)
        {
            throw new AttestationFormatException($"{input}: no '-----BEGIN CERTIFICATE-----' block.", input, null);
        }

        var parsed = new List<ParsedCertificate>(blocks.Count);
        for (int i = 0; i < blocks.Count; i++)
        {
            parsed.Add(ParsedCertificate.Parse(blocks[i], $"{input} (certificate {i + 1})"));
        }

        return new CertificateChain(parsed);
    }

    /// <summary>Builds a chain from DER certificates.</summary>
    /// <param name="certificates">DER certificates in any order.</param>
    /// <returns>The chain.</returns>
    /// <exception cref="AttestationFormatException">A certificate is malformed.</exception>
    public static CertificateChain FromDer(IEnumerable<ReadOnlyMemory<byte>> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var parsed = new List<ParsedCertificate>();
        foreach (ReadOnlyMemory<byte> der in certificates)
        {
            parsed.Add(ParsedCertificate.Parse(der.Span, $"certificate {parsed.Count + 1}"));
        }

        if (parsed.Count == 0)
        {
            throw new AttestationFormatException("certificate chain: no certificate given.", "certificates", null);
        }

        return new CertificateChain(parsed);
    }

    /// <summary>Concatenates chains (for example a PCK leaf file and its issuer chain file).</summary>
    /// <param name="chains">The parts.</param>
    /// <returns>One chain holding every certificate.</returns>
    public static CertificateChain Concat(params IEnumerable<CertificateChain> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        return new CertificateChain(chains.SelectMany(c => c.Parsed).ToArray());
    }

    /// <summary>Writes the chain as concatenated PEM blocks.</summary>
    /// <returns>PEM text.</returns>
    public string ToPem()
    {
        var builder = new StringBuilder();
        foreach (ParsedCertificate certificate in Parsed)
        {
            builder.Append(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", certificate.Der)).Append('\n');
        }

        return builder.ToString();
    }
}
