using Ppml.Learning.Mnist;

namespace Ppml.Workloads.Learning;

/// <summary>Downloads MNIST for the examples (<c>ppml datasets fetch mnist</c> as a library call), verified against the published checksums.</summary>
public static class MnistDatasets
{
    /// <summary>The bytes of the four original files together.</summary>
    public static long TotalBytes { get; } = MnistDownloader.Files.Sum(f => f.Size);

    /// <summary>Downloads the four MNIST files from <paramref name="baseUrl"/> into <paramref name="outputDirectory"/>; files already there and verified are kept.</summary>
    /// <param name="baseUrl">An absolute http(s) URL of the folder holding them.</param>
    /// <param name="outputDirectory">Where they go (created when missing).</param>
    /// <param name="progress">Receives byte increments across all files (toward <see cref="TotalBytes"/>); may be null.</param>
    /// <param name="cancellationToken">Cancels the download; no unverified file is kept.</param>
    /// <returns>The verified files.</returns>
    /// <exception cref="WorkloadException">The server could not be reached or did not answer.</exception>
    /// <exception cref="Ppml.Learning.LearningFormatException">A file has the wrong size or checksum.</exception>
    public static async Task<IReadOnlyList<string>> FetchMnistAsync(Uri baseUrl, string outputDirectory, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        long last = 0;
        string? file = null;
        IProgress<DownloadProgress>? perFile = progress is null ? null : new InlineProgress<DownloadProgress>(p =>
        {
            // The downloader reports running totals per file; the caller gets increments across files.
            if (p.File != file)
            {
                (file, last) = (p.File, 0);
            }

            progress.Report(Math.Max(0, p.BytesReceived - last));
            last = p.BytesReceived;
        });
        try
        {
            return await MnistDownloader.FetchAsync(baseUrl, outputDirectory, http, perFile, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new WorkloadException($"Download from '{baseUrl}' failed: {exception.Message}", innerException: exception);
        }
    }
}
