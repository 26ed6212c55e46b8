using Ppml.Core;
using Ppml.Crypto.Container;

namespace Ppml.Workloads.Inputs;

/// <summary>
/// The rules for reading protected data, so plaintext is never taken where ciphertext is expected (data poisoning):
/// a file named <c>.ppml</c> must be a container; when both <c>x</c> and <c>x.ppml</c> exist the container wins; and a
/// workload that attests to a KMS server reads plaintext only when told so (<c>--allow-plaintext</c>).
/// </summary>
internal static class ProtectedInputs
{
    private const int SniffLength = 16;

    /// <summary>Whether <paramref name="path"/> starts with the PPML container magic.</summary>
    /// <param name="path">An existing file.</param>
    /// <returns><see langword="true"/> for a container.</returns>
    public static bool IsContainer(string path)
    {
        Span<byte> prefix = stackalloc byte[SniffLength];
        using FileStream file = File.OpenRead(path);
        int read = file.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        return PpmlContainer.LooksLikeContainer(prefix[..read]);
    }

    /// <summary>
    /// Chooses the file to read for <paramref name="path"/> and checks it against the rules.
    /// </summary>
    /// <param name="path">The path the user named (with or without <c>.ppml</c>).</param>
    /// <param name="allowPlaintext">Whether a file that is not a container may be read.</param>
    /// <returns>The file to read and whether it is a container.</returns>
    /// <exception cref="WorkloadException">The file is missing, is named <c>.ppml</c> without being a container, or is plaintext where it is not allowed.</exception>
    public static (string Path, bool IsContainer) Resolve(string path, bool allowPlaintext)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string candidate = path;
        if (!PpmlFileNames.IsContainerName(path) && File.Exists(path + PpmlFileNames.ContainerExtension))
        {
            // Both exist: the authenticated one is the data; the plain one may be a plant.
            candidate = path + PpmlFileNames.ContainerExtension;
        }

        if (!File.Exists(candidate))
        {
            throw new WorkloadException($"Input '{path}' does not exist.", isInvalidInput: true);
        }

        bool container = IsContainer(candidate);
        if (!container && PpmlFileNames.IsContainerName(candidate))
        {
            throw new WorkloadException(
                $"Input '{candidate}' is named as a PPML container but is not one (it lacks the container header); refusing to read it as plaintext. Encrypt it with 'ppml encrypt'.",
                isInvalidInput: true);
        }

        if (!container && !allowPlaintext)
        {
            throw new WorkloadException(
                $"Input '{candidate}' is not encrypted, and this workload attests to a KMS server, so it reads only PPML containers; encrypt it with 'ppml encrypt', or pass --allow-plaintext to read plaintext on purpose.",
                isInvalidInput: true);
        }

        return (candidate, container);
    }
}
