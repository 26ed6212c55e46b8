namespace Ppml.Learning.Mnist;

/// <summary>Progress of <see cref="MnistDownloader.FetchAsync"/>.</summary>
/// <param name="File">The file being fetched.</param>
/// <param name="BytesReceived">Bytes received so far for this file.</param>
/// <param name="TotalBytes">Expected size of this file.</param>
/// <param name="AlreadyPresent">True when a verified copy already existed and nothing was downloaded.</param>
public sealed record DownloadProgress(string File, long BytesReceived, long TotalBytes, bool AlreadyPresent);
