namespace Ppml.Core.IO;

/// <summary>What an output path names, as <see cref="OutputTarget.Inspect"/> classifies it.</summary>
public enum OutputKind
{
    /// <summary>Nothing exists there: the output is created.</summary>
    Missing,

    /// <summary>A regular file (possibly behind symbolic links): replaced atomically, the links kept.</summary>
    File,

    /// <summary>A directory (possibly behind symbolic links).</summary>
    Directory,

    /// <summary>
    /// A FIFO, a character device (<c>/dev/null</c>, a terminal) or a descriptor link such as <c>/dev/stdout</c>: written
    /// through as a stream, in place; nothing is replaced and no temporary file is used.
    /// </summary>
    Stream,
}
