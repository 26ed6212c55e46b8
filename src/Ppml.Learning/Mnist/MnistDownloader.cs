using System.Security.Cryptography;
using Ppml.Core.IO;

namespace Ppml.Learning.Mnist;

/// <summary>
/// Fetches the four original MNIST files over HTTP(S) and accepts each only when its size, SHA-256 and MD5 are
/// the published ones. Files are written to a temporary name and renamed into place only after they verify,
/// so an interrupted or corrupt download never leaves a file that looks complete.
/// </summary>
public static class MnistDownloader
{
    /// <summary>The four files with their known checksums (shared/data/mnist/README.md).</summary>
    public static IReadOnlyList<MnistFile> Files { get; } =
    [
        new("train-images-idx3-ubyte.gz", 9912422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        new("train-labels-idx1-ubyte.gz", 28881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", "d53e105ee54ea40749a09fcbcd1e9432"),
        new("t10k-images-idx3-ubyte.gz", 1648877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", "9fb629c4189551a2d022fa330f9573f3"),
        new("t10k-labels-idx1-ubyte.gz", 4542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", "ec29112dd5afa0611ce80d1b7f02629c"),
    ];

    /// <summary>
    /// Downloads every file of <see cref="Files"/> from <paramref name="baseUrl"/> (file name appended) into
    /// <paramref name="outputDirectory"/>, skipping files already present with the right checksums.
    /// </summary>
    /// <param name="baseUrl">The folder URL, for example <c>https://example.org/mnist/</c>.</param>
    /// <param name="outputDirectory">Created if missing.</param>
    /// <param name="httpClient">The client to use (its handler decides proxies and TLS).</param>
    /// <param name="progress">Receives progress per chunk; may be null.</param>
    /// <param name="cancellationToken">Cancels the download; no partial file is left behind.</param>
    /// <returns>The paths of the four verified files.</returns>
    /// <exception cref="HttpRequestException">The server could not be reached or did not answer 200.</exception>
    /// <exception cref="LearningFormatException">A downloaded file has the wrong size or checksum.</exception>
    public static async Task<IReadOnlyList<string>> FetchAsync(
        Uri baseUrl, string outputDirectory, HttpClient httpClient, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        ArgumentNullException.ThrowIfNull(httpClient);
        if (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{baseUrl}' is not an absolute http(s) URL.", nameof(baseUrl));
        }

        Uri folder = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        Directory.CreateDirectory(outputDirectory);
        var paths = new List<string>(Files.Count);
        foreach (MnistFile file in Files)
        {
            string path = Path.Combine(outputDirectory, file.Name);
            if (File.Exists(path) && await VerifiesAsync(path, file, cancellationToken).ConfigureAwait(false))
            {
                progress?.Report(new DownloadProgress(file.Name, file.Size, file.Size, AlreadyPresent: true));
            }
            else
            {
                await DownloadAsync(new Uri(folder, file.Name), path, file, httpClient, progress, cancellationToken).ConfigureAwait(false);
            }

            paths.Add(path);
        }

        return paths;
    }

    private static async Task<bool> VerifiesAsync(string path, MnistFile file, CancellationToken cancellationToken)
    {
        if (new FileInfo(path).Length != file.Size)
        {
            return false;
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            byte[] sha256 = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return string.Equals(Convert.ToHexStringLower(sha256), file.Sha256, StringComparison.Ordinal);
        }
    }

    private static async Task DownloadAsync(Uri url, string path, MnistFile file, HttpClient httpClient, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await httpClient.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {url} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }

        PendingFile output = AtomicFile.Create(path);
        await using (output.ConfigureAwait(false))
        {
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            // MD5 is checked only because it is the checksum the original publisher lists; SHA-256 is checked too.
#pragma warning disable CA5351
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                byte[] buffer = new byte[1 << 16];
                long received = 0;
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    received += read;
                    if (received > file.Size)
                    {
                        throw LearningFormatException.For(url.ToString(), $"sent more than the expected {file.Size} bytes; it is not the original {file.Name}");
                    }

                    sha256.AppendData(buffer, 0, read);
                    md5.AppendData(buffer, 0, read);
                    await output.Stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    progress?.Report(new DownloadProgress(file.Name, received, file.Size, AlreadyPresent: false));
                }

                if (received != file.Size)
                {
                    throw LearningFormatException.For(url.ToString(), $"sent {received} bytes, expected {file.Size}; the download is truncated");
                }
            }

            string actualSha256 = Convert.ToHexStringLower(sha256.GetHashAndReset());
            if (!string.Equals(actualSha256, file.Sha256, StringComparison.Ordinal))
            {
                throw LearningFormatException.For(url.ToString(), $"SHA-256 is {actualSha256}, expected {file.Sha256}; the download is corrupt or not the original {file.Name}");
            }

            string actualMd5 = Convert.ToHexStringLower(md5.GetHashAndReset());
            if (!string.Equals(actualMd5, file.Md5, StringComparison.Ordinal))
            {
                throw LearningFormatException.For(url.ToString(), $"MD5 is {actualMd5}, expected {file.Md5}; the download is corrupt or not the original {file.Name}");
            }

            await output.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
