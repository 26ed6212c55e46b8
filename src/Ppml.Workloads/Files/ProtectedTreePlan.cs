namespace Ppml.Workloads.Files;

/// <summary>
/// What <see cref="ProtectedTree.Plan"/> found: one file, or a directory tree mirrored file by file, checked and ready to
/// encrypt or decrypt with <see cref="ProtectedTree.ExecuteAsync"/>.
/// </summary>
/// <param name="Input">The input file or directory (full path).</param>
/// <param name="Output">The output file or directory (full path without a trailing separator; for one file, a file inside the directory when the output is an existing directory or ends with a separator), or <c>-</c> for <see cref="StandardOutput"/>.</param>
/// <param name="Encrypt">Whether the files are encrypted (<c>.ppml</c> appended) or decrypted (<c>.ppml</c> stripped).</param>
/// <param name="IsDirectory">Whether the input is a directory tree.</param>
/// <param name="Overwrite">Whether an existing output may be replaced.</param>
/// <param name="Sources">The input files, in ordinal order.</param>
/// <param name="Targets">The output path of each source, relative to <paramref name="Output"/> for a tree.</param>
/// <param name="TotalBytes">The input size.</param>
public sealed record ProtectedTreePlan(
    string Input,
    string Output,
    bool Encrypt,
    bool IsDirectory,
    bool Overwrite,
    IReadOnlyList<string> Sources,
    IReadOnlyList<string> Targets,
    long TotalBytes)
{
    /// <summary>
    /// Where the content goes when <see cref="Output"/> is <c>-</c> (<see cref="Ppml.Core.IO.OutputTarget.StandardStreamName"/>):
    /// the host's standard output, left open. Decrypting into it authenticates the whole container first.
    /// </summary>
    public Stream? StandardOutput { get; init; }

    /// <summary>The number of files.</summary>
    public int Count => Sources.Count;
}
