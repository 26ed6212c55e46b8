using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Ppml.Tee.Measurement;

/// <summary>
/// Enumerates and hashes what a simulation-mode enclave is made of: every file under the application directory
/// (recursively, hidden files included) and every file of the runtime components it runs on.
/// </summary>
/// <remarks>
/// Hashes are cached in this process only (never on disk), keyed by full path, length and last-write time: a file
/// rewritten in place while the process runs, with the same length and its last-write time set back, is not hashed
/// again. The first measurement in a process always reads every byte.
/// </remarks>
internal static class ApplicationMeasurement
{
    private static readonly ConcurrentDictionary<string, (long Length, long LastWriteTicks, byte[] Hash)> s_cache = new(StringComparer.Ordinal);

    private static readonly EnumerationOptions s_everyFile = new()
    {
        RecurseSubdirectories = true,
        AttributesToSkip = 0, // hidden files too: ".evil.dll" is a file like any other
        IgnoreInaccessible = false,
        MatchType = MatchType.Simple,
        ReturnSpecialDirectories = false,
    };

    /// <summary>Lists every file of the application and its runtime, sorted by name (ordinal).</summary>
    public static IReadOnlyList<MeasuredEntry> Enumerate(string applicationDirectory, IReadOnlyList<RuntimeComponent> runtime)
    {
        ArgumentNullException.ThrowIfNull(applicationDirectory);
        ArgumentNullException.ThrowIfNull(runtime);
        string root = Path.GetFullPath(applicationDirectory);
        if (!Directory.Exists(root))
        {
            throw new TeeException($"Application directory '{root}' does not exist.");
        }

        var entries = new List<MeasuredEntry>();
        try
        {
            foreach (string path in Directory.EnumerateFiles(root, "*", s_everyFile))
            {
                string name = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
                if (name.StartsWith(RuntimeComponent.Prefix, StringComparison.Ordinal))
                {
                    throw new TeeException(
                        $"File '{path}' in the application directory starts with the reserved name '{RuntimeComponent.Prefix}'; remove it. Refusing to measure.");
                }

                entries.Add(new MeasuredEntry(name, path));
            }

            foreach (RuntimeComponent component in runtime)
            {
                string prefix = RuntimeComponent.Prefix + component.Name;
                if (File.Exists(component.Path))
                {
                    entries.Add(new MeasuredEntry(prefix, Path.GetFullPath(component.Path)));
                }
                else if (Directory.Exists(component.Path))
                {
                    string componentRoot = Path.GetFullPath(component.Path);
                    foreach (string path in Directory.EnumerateFiles(componentRoot, "*", s_everyFile))
                    {
                        entries.Add(new MeasuredEntry(prefix + "/" + Path.GetRelativePath(componentRoot, path).Replace(Path.DirectorySeparatorChar, '/'), path));
                    }
                }
                else
                {
                    throw new TeeException($"Runtime component '{component.Name}' at '{component.Path}' does not exist; refusing to measure.");
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new TeeException($"Cannot list the files of '{root}' and its runtime: {exception.Message}", exception);
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return entries;
    }

    /// <summary>Hashes every entry (in parallel; cached in this process by path, length and last-write time).</summary>
    public static async Task<IReadOnlyList<TrustedFile>> HashAsync(IReadOnlyList<MeasuredEntry> entries, CancellationToken cancellationToken)
    {
        var hashes = new TrustedFile[entries.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, entries.Count),
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (index, token) =>
            {
                MeasuredEntry entry = entries[index];
                hashes[index] = new TrustedFile(entry.Name, Convert.ToHexStringLower(await HashFileAsync(entry, token).ConfigureAwait(false)));
            }).ConfigureAwait(false);
        return hashes;
    }

    private static async Task<byte[]> HashFileAsync(MeasuredEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            var before = new FileInfo(entry.FullPath);
            long length = before.Length;
            long ticks = before.LastWriteTimeUtc.Ticks;
            if (s_cache.TryGetValue(entry.FullPath, out (long Length, long LastWriteTicks, byte[] Hash) cached) && cached.Length == length && cached.LastWriteTicks == ticks)
            {
                return cached.Hash;
            }

            var stream = new FileStream(entry.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            byte[] hash;
            await using (stream.ConfigureAwait(false))
            {
                hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            }

            s_cache[entry.FullPath] = (length, ticks, hash);
            return hash;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new TeeException($"Cannot read {entry.Display} to measure it: {exception.Message}", exception);
        }
    }
}
