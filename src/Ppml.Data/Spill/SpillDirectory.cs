using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;
using Ppml.Core.IO;

namespace Ppml.Data.Spill;

/// <summary>
/// A private directory for one context's DuckDB temporary files: <c>BASE/ppml-spill-XXXXXXXX</c> (eight random lowercase
/// hex digits), mode 0700, registered with <see cref="EncryptedTempFiles"/> so that every file DuckDB writes there is
/// encrypted, and locked (<c>flock</c>, exclusive) for as long as it lives. Creating one first removes the sibling
/// directories whose lock is free — left by a process that was killed (their content is ciphertext under a key that died
/// with that process; removing them frees the disk). Disposing deletes the directory.
/// </summary>
internal sealed partial class SpillDirectory : IDisposable
{
    /// <summary>The directory-name prefix.</summary>
    internal const string Prefix = "ppml-spill-";


    private readonly SafeFileHandle _lock;
    private readonly SpillRoot _root;
    private bool _disposed;

    private SpillDirectory(string path, SafeFileHandle lockHandle, SpillRoot root)
    {
        Path = path;
        _lock = lockHandle;
        _root = root;
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>The bytes encrypted into this directory's files so far.</summary>
    public long BytesWritten => _root.BytesWritten;

    /// <summary>The base directory used when none is configured: <c>ppml-spill</c> in the temp folder.</summary>
    public static string DefaultBase => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ppml-spill");

    /// <summary>Creates, locks and registers a new spill directory under <paramref name="baseDirectory"/> (created 0700 if missing).</summary>
    /// <param name="baseDirectory">Where spill directories live.</param>
    /// <param name="removed">The stale sibling directories removed.</param>
    /// <exception cref="IOException">The directory could not be created or locked.</exception>
    public static SpillDirectory Create(string baseDirectory, out IReadOnlyList<string> removed)
    {
        string parent = System.IO.Path.GetFullPath(baseDirectory);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Spill directories are Linux-only.");
        }

        if (!Directory.Exists(parent))
        {
            try
            {
                Directory.CreateDirectory(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            catch (UnauthorizedAccessException exception)
            {
                throw new IOException($"Could not create the spill base directory '{parent}': {exception.Message} Set PpmlContextOptions.SpillDirectory to a directory this user can write, or Spill to Off.", exception);
            }
        }

        removed = RemoveStale(parent);
        for (int attempt = 0; ; attempt++)
        {
            string path = System.IO.Path.Combine(parent, Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
            if (SpillNative.MakeDirectory(path, 0x1C0) != 0) // 0700, passed to mkdir: never more open
            {
                int error = Marshal.GetLastPInvokeError();
                if (error == 17 && attempt < 8) // EEXIST: another name
                {
                    continue;
                }

                throw new IOException(
                    $"Could not create the spill directory '{path}': {Marshal.GetPInvokeErrorMessage(error)} (errno {error}). " +
                    "Set PpmlContextOptions.SpillDirectory to a directory this user owns, or Spill to Off.");
            }

            SafeFileHandle held = AdvisoryLock.TryAcquire(path) ?? throw new IOException($"Could not lock the new spill directory '{path}'.");
            try
            {
                SpillRoot root = EncryptedTempFiles.Register(path);
                return new SpillDirectory(path, held, root);
            }
            catch
            {
                held.Dispose();
                Directory.Delete(path, recursive: true);
                throw;
            }
        }
    }

    /// <summary>Removes the <c>ppml-spill-XXXXXXXX</c> directories under <paramref name="parent"/> that no live process holds; never throws.</summary>
    internal static IReadOnlyList<string> RemoveStale(string parent)
    {
        var removed = new List<string>();
        IEnumerable<string> candidates;
        try
        {
            candidates = [.. Directory.EnumerateDirectories(parent, Prefix + "*")];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return removed;
        }

        foreach (string candidate in candidates)
        {
            if (!NamePattern().IsMatch(System.IO.Path.GetFileName(candidate)) || new DirectoryInfo(candidate).LinkTarget is not null)
            {
                continue;
            }

            try
            {
                using SafeFileHandle? held = AdvisoryLock.TryAcquire(candidate);
                if (held is null)
                {
                    continue; // a live context holds it
                }

                Directory.Delete(candidate, recursive: true);
                removed.Add(candidate);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Best effort: a directory we cannot remove is not this context's failure.
            }
        }

        return removed;
    }

    /// <summary>Stops encrypting new files here, deletes the directory (DuckDB has closed its files) and releases the lock.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _root.Dispose();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
        finally
        {
            _lock.Dispose();
        }
    }

    [GeneratedRegex("^ppml-spill-[0-9a-f]{8}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
