using Ppml.Kms.File;
using Ppml.Kms.Remote;

namespace Ppml.Kms;

/// <summary>Opens a key service from a KMS URI: <c>file:PATH</c> (the embedded store) or <c>https://HOST:PORT</c> (a KMS server).</summary>
public static class KmsProvider
{
    /// <summary>Opens the key service at <paramref name="uri"/>.</summary>
    /// <param name="uri">A KMS URI, e.g. <c>file:/home/me/.ppml/kms</c>.</param>
    /// <param name="password">The password of a <c>file:</c> store.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system clock.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The key service; dispose it when done.</returns>
    /// <exception cref="KmsException">The URI is not supported, or the store cannot be opened.</exception>
    public static Task<IKeyManagementService> OpenAsync(
        string uri, string password, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default) =>
        OpenAsync(uri, new KmsConnectionOptions { Password = password, TimeProvider = timeProvider }, cancellationToken);

    /// <summary>Opens the key service at <paramref name="uri"/>.</summary>
    /// <param name="uri">A KMS URI: <c>file:PATH</c>, or <c>https://HOST:PORT</c> of a <c>ppml kms serve</c>.</param>
    /// <param name="options">The store password (<c>file:</c>), or the API key and CA certificate (<c>https://</c>).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The key service; dispose it when done.</returns>
    /// <exception cref="KmsException">The URI is not supported, or the store cannot be opened.</exception>
    public static async Task<IKeyManagementService> OpenAsync(string uri, KmsConnectionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        ArgumentNullException.ThrowIfNull(options);
        if (uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return KmsClient.Create(uri, options);
        }

        if (uri.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            throw new KmsException(KmsErrorCode.StoreUnavailable, $"KMS URI '{uri}' is plain http; the KMS server speaks HTTPS only: use https://.");
        }

        if (uri.StartsWith("file:", StringComparison.Ordinal))
        {
            string path = uri["file:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                path = new Uri(uri).LocalPath;
            }

            if (path.Length == 0)
            {
                throw new KmsException(KmsErrorCode.StoreUnavailable, $"KMS URI '{uri}' has no path; use file:PATH.");
            }

            if (string.IsNullOrEmpty(options.Password))
            {
                throw new KmsException(KmsErrorCode.WrongPassword, $"KMS store '{path}' needs a password.");
            }

            return await FileKeyManagementService.OpenAsync(path, options.Password, options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        throw new KmsException(
            KmsErrorCode.StoreUnavailable,
            $"KMS URI '{uri}' is not supported: use file:PATH or https://HOST:PORT.");
    }
}
