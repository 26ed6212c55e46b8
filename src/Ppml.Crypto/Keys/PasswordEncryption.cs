using System.Security.Cryptography;
using System.Text;
using Ppml.Core.IO;

namespace Ppml.Crypto.Keys;

/// <summary>
/// The seed's "encrypted password": the password under RSA-OAEP (SHA-256, MGF1-SHA-256) with a fresh RSA-3072 key,
/// stored as <c>key.txt</c> (the private key, PEM) and <c>output.bin</c> (the ciphertext), so that
/// <c>openssl pkeyutl -decrypt -inkey key.txt -in output.bin -pkeyopt rsa_padding_mode:oaep
/// -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256</c> prints it.
/// </summary>
public static class PasswordEncryption
{
    /// <summary>The private key file name.</summary>
    public const string KeyFileName = "key.txt";

    /// <summary>The ciphertext file name.</summary>
    public const string CipherFileName = "output.bin";

    /// <summary>Encrypts <paramref name="password"/> into <paramref name="directory"/>; both files mode 0600, written atomically.</summary>
    /// <param name="password">The password.</param>
    /// <param name="directory">Output directory; created when missing.</param>
    /// <param name="overwrite">Whether existing files may be replaced.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static async Task EncryptToDirectoryAsync(string password, string directory, bool overwrite, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string keyPath = Path.Combine(directory, KeyFileName);
        string cipherPath = Path.Combine(directory, CipherFileName);
        if (!overwrite && (File.Exists(keyPath) || File.Exists(cipherPath)))
        {
            throw new IOException($"'{directory}' already holds an encrypted password; pass --force to replace it.");
        }

        using RSA rsa = RSA.Create(3072);
        byte[] plaintext = Encoding.UTF8.GetBytes(password);
        byte[] ciphertext;
        try
        {
            ciphertext = rsa.Encrypt(plaintext, RSAEncryptionPadding.OaepSHA256);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        byte[] pem = Encoding.ASCII.GetBytes(rsa.ExportPkcs8PrivateKeyPem() + "\n");
        try
        {
            await SecretFiles.WriteAllBytesAsync(keyPath, pem, overwrite: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pem);
        }

        await SecretFiles.WriteAllBytesAsync(cipherPath, ciphertext, overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Decrypts the password stored in <paramref name="directory"/>.</summary>
    /// <param name="directory">A directory written by <see cref="EncryptToDirectoryAsync"/> (or by the seed's scripts).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The password.</returns>
    /// <exception cref="InvalidDataException">A file is missing, malformed, or the key does not decrypt the ciphertext.</exception>
    public static async Task<string> DecryptFromDirectoryAsync(string directory, CancellationToken cancellationToken = default)
    {
        string keyPath = Path.Combine(directory, KeyFileName);
        string cipherPath = Path.Combine(directory, CipherFileName);
        foreach (string path in new[] { keyPath, cipherPath })
        {
            if (!File.Exists(path))
            {
                throw new InvalidDataException($"'{path}' does not exist; run 'ppml password encrypt' first.");
            }
        }

        string pem = await SecretFiles.ReadAllTextAsync(keyPath, SecretFileKind.Secret, cancellationToken).ConfigureAwait(false);
        // The private key is the secret; the ciphertext only needs integrity (nobody else may replace it), like an anchor.
        byte[] ciphertext = await SecretFiles.ReadAllBytesAsync(cipherPath, SecretFileKind.TrustAnchor, cancellationToken).ConfigureAwait(false);
        using RSA rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidDataException($"'{keyPath}' is not a PEM RSA private key: {exception.Message}", exception);
        }
        catch (CryptographicException exception)
        {
            throw new InvalidDataException($"'{keyPath}' is not a usable RSA private key: {exception.Message}", exception);
        }

        byte[] plaintext;
        try
        {
            plaintext = rsa.Decrypt(ciphertext, RSAEncryptionPadding.OaepSHA256);
        }
        catch (CryptographicException exception)
        {
            throw new InvalidDataException($"'{cipherPath}' does not decrypt under '{keyPath}' (RSA-OAEP-SHA256): the files do not belong together or are corrupted.", exception);
        }

        try
        {
            return Encoding.UTF8.GetString(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
