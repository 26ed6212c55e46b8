using System.Text.Json;
using Ppml.Core.IO;

namespace Ppml.Tee.Measurement;

/// <summary>Reads trust anchors: the fields of a signed enclave, or <c>ppml.trust.json</c> in the application directory.</summary>
internal static class TrustAnchorsFile
{
    /// <summary>The anchors in <paramref name="path"/>, or <see langword="null"/> when there is no such file.</summary>
    public static async Task<TrustAnchors?> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        TrustAnchorsDocument? document;
        try
        {
            byte[] json = await SecretFiles.ReadAllBytesAsync(path, SecretFileKind.TrustAnchor, cancellationToken).ConfigureAwait(false);
            document = JsonSerializer.Deserialize(json, TeeJsonContext.Default.TrustAnchorsDocument);
        }
        catch (JsonException exception)
        {
            throw new TeeException($"Trust anchors file '{path}' is not valid JSON ({exception.Message}); expected {{\"kmsUrl\": \"https://HOST:PORT\", \"kmsCaSha256\": \"hex\"}}.", exception);
        }

        return FromFields(document?.KmsUrl, document?.KmsCaSha256, $"Trust anchors file '{path}'")
            ?? throw new TeeException($"Trust anchors file '{path}' names no anchor; expected {{\"kmsUrl\": \"https://HOST:PORT\", \"kmsCaSha256\": \"hex\"}}, or remove the file.");
    }

    /// <summary>The anchors from their two text fields: both, or neither (<see langword="null"/>).</summary>
    public static TrustAnchors? FromFields(string? kmsUrl, string? kmsCaSha256, string what)
    {
        if (kmsUrl is null && kmsCaSha256 is null)
        {
            return null;
        }

        if (kmsUrl is null || kmsCaSha256 is null)
        {
            throw new TeeException($"{what} has only one of kmsUrl and kmsCaSha256; record both (ppml enclave sign --kms-url URL --kms-ca FILE) or neither.");
        }

        if (!Uri.TryCreate(kmsUrl, UriKind.Absolute, out Uri? url))
        {
            throw new TeeException($"{what}: kmsUrl '{kmsUrl}' is not an absolute URL; use https://HOST:PORT.");
        }

        byte[] hash;
        try
        {
            hash = Convert.FromHexString(kmsCaSha256);
        }
        catch (FormatException exception)
        {
            throw new TeeException($"{what}: kmsCaSha256 is not hex; use the SHA-256 of the CA certificate's DER encoding (64 hex digits).", exception);
        }

        return new TrustAnchors(url, hash);
    }
}
