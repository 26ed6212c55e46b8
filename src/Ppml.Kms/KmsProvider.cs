using Ppml.Kms.File;

namespace Ppml.Kms;

/// <summary>Opens a key service from a KMS URI: <c>file:PATH</c> (the embedded store) for now.</summary>
public static class KmsProvider
{
    /// <summary>Opens the key service at <paramref name="uri"/>.</summary>
    /// <param name="uri">A KMS URI, e.g. <c>file:/home/me/.ppml/kms</c>.</param>
    /// <param name="password">The password of a <c>file:</c> store.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system clock.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The key service; dispose it when done.</returns>
    /// <exception cref="KmsException">The URI is not supported, or the store cannot be opened.</exception>
    public static async Task<IKeyManagementService> OpenAsync(
        string uri, string password, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
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

            return await FileKeyManagementService.OpenAsync(path, password, timeProvider, cancellationToken).ConfigureAwait(false);
        }

        throw new KmsException(
            KmsErrorCode.StoreUnavailable,
            $"KMS URI '{uri}' is not supported: use file:PATH (the https:// provider comes with the KMS server).");
    }
}
