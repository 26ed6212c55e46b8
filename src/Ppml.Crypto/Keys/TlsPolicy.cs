using System.Net.Security;
using System.Security.Authentication;

namespace Ppml.Crypto.Keys;

/// <summary>
/// The TLS every PPML server offers: TLS 1.3, and TLS 1.2 with forward-secret AEAD suites only (ECDHE with AES-GCM or
/// ChaCha20-Poly1305) — no CBC, no static RSA key exchange, nothing older than 1.2.
/// </summary>
public static class TlsPolicy
{
    /// <summary>The protocol versions offered.</summary>
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>The cipher suites offered, TLS 1.3's first.</summary>
    public static IReadOnlyList<TlsCipherSuite> CipherSuites { get; } =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>
    /// Restricts <paramref name="options"/> to <see cref="Protocols"/> and, where the platform lets an application choose
    /// suites (Linux and macOS with OpenSSL), to <see cref="CipherSuites"/>; elsewhere the operating system's policy applies.
    /// </summary>
    /// <param name="options">The server's authentication options for one connection.</param>
    public static void Apply(SslServerAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnabledSslProtocols = Protocols;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            options.CipherSuitesPolicy = new CipherSuitesPolicy(CipherSuites);
        }
    }
}
