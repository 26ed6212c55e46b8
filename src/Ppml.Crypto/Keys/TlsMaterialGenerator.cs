using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ppml.Core.IO;

namespace Ppml.Crypto.Keys;

/// <summary>
/// Creates the TLS material of a workspace: a CA and a server certificate it signs, in the files the seed's
/// openssl/keytool scripts produced (<c>ca.crt</c>, <c>ca.key</c>, <c>server.key</c>, <c>server.csr</c>,
/// <c>server.crt</c>, <c>server.pem</c>, <c>keystore.pkcs12</c>). Keys are ECDSA P-256.
/// </summary>
public static class TlsMaterialGenerator
{
    /// <summary>The file names written, in order.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        ["ca.crt", "ca.key", "server.key", "server.csr", "server.crt", "server.pem", "keystore.pkcs12"];

    /// <summary>Names put in the server certificate when none are given.</summary>
    public static IReadOnlyList<string> DefaultSubjectAlternativeNames { get; } = ["localhost", "127.0.0.1"];

    /// <summary>Writes the CA and server material into <paramref name="directory"/>; private keys mode 0600.</summary>
    /// <param name="directory">Output directory; created when missing.</param>
    /// <param name="keystorePassword">Protects <c>keystore.pkcs12</c>.</param>
    /// <param name="subjectAlternativeNames">DNS names and IP addresses for the server certificate; empty for the defaults.</param>
    /// <param name="timeProvider">The clock for validity periods.</param>
    /// <param name="overwrite">Whether existing files may be replaced.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static async Task WriteAsync(
        string directory,
        string keystorePassword,
        IReadOnlyList<string> subjectAlternativeNames,
        TimeProvider timeProvider,
        bool overwrite,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(keystorePassword);
        ArgumentNullException.ThrowIfNull(subjectAlternativeNames);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!overwrite)
        {
            foreach (string name in FileNames)
            {
                string existing = Path.Combine(directory, name);
                if (File.Exists(existing))
                {
                    throw new IOException($"'{existing}' already exists; pass --force to replace the TLS material.");
                }
            }
        }

        IReadOnlyList<string> names = subjectAlternativeNames.Count == 0 ? DefaultSubjectAlternativeNames : subjectAlternativeNames;
        DateTimeOffset now = timeProvider.GetUtcNow();

        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest(
            new X500DistinguishedName("CN=PPML Workspace CA, O=PPML for .NET"), caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var caSubjectKeyId = new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false);
        caRequest.CertificateExtensions.Add(caSubjectKeyId);
        using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));

        using ECDsa serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest(
            new X500DistinguishedName($"CN={names[0]}, O=PPML for .NET"), serverKey, HashAlgorithmName.SHA256);
        var sans = new SubjectAlternativeNameBuilder();
        foreach (string name in names)
        {
            if (IPAddress.TryParse(name, out IPAddress? address))
            {
                sans.AddIpAddress(address);
            }
            else
            {
                sans.AddDnsName(name);
            }
        }

        serverRequest.CertificateExtensions.Add(sans.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        serverRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(serverRequest.PublicKey, false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(caSubjectKeyId));
        string csrPem = serverRequest.CreateSigningRequestPem();

        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using X509Certificate2 serverPublic = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(825), serial);
        using X509Certificate2 server = serverPublic.CopyWithPrivateKey(serverKey);

        string caKeyPem = caKey.ExportPkcs8PrivateKeyPem() + "\n";
        string serverKeyPem = serverKey.ExportPkcs8PrivateKeyPem() + "\n";
        string serverCertPem = server.ExportCertificatePem() + "\n";
        var keystore = new X509Certificate2Collection { server, ca };
        byte[] pkcs12 = keystore.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, keystorePassword)
            ?? throw new CryptographicException("PKCS#12 export returned nothing.");

        // Keys and the keystore are secrets, the CA certificate a trust anchor: all of them 0600 in a 0700 directory, whatever the umask.
        SecretFiles.CreateDirectory(directory);
        await WriteTextAsync(directory, "ca.crt", ca.ExportCertificatePem() + "\n", cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(directory, "ca.key", caKeyPem, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(directory, "server.key", serverKeyPem, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(directory, "server.csr", csrPem + "\n", cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(directory, "server.crt", serverCertPem, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(directory, "server.pem", serverKeyPem + serverCertPem, cancellationToken).ConfigureAwait(false);
        await SecretFiles.WriteAllBytesAsync(Path.Combine(directory, "keystore.pkcs12"), pkcs12, overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    private static Task WriteTextAsync(string directory, string name, string text, CancellationToken cancellationToken) =>
        SecretFiles.WriteAllBytesAsync(Path.Combine(directory, name), Encoding.ASCII.GetBytes(text), overwrite: true, cancellationToken);
}
