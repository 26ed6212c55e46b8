namespace Ppml.Core;

/// <summary>File names the tools agree on.</summary>
public static class PpmlFileNames
{
    /// <summary>The extension of a PPML container (<c>.ppml</c>), appended to the plaintext name.</summary>
    public const string ContainerExtension = ".ppml";

    /// <summary>Whether <paramref name="path"/> is named as a container.</summary>
    /// <param name="path">A path.</param>
    /// <returns><see langword="true"/> when it ends in <c>.ppml</c> (ordinal, case-sensitive).</returns>
    public static bool IsContainerName(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.EndsWith(ContainerExtension, StringComparison.Ordinal);
    }
}
