namespace Ppml.Data.IO;

/// <summary>How a part file is protected.</summary>
internal enum PartProtection
{
    /// <summary>Plain bytes.</summary>
    None,

    /// <summary>A PPML container (envelope-encrypted with a KMS data key).</summary>
    Container,

    /// <summary>Parquet with Parquet Modular Encryption (encrypted footer, magic <c>PARE</c>).</summary>
    ParquetModular,
}

/// <summary>One independently decryptable file of a dataset.</summary>
/// <param name="Path">The full path.</param>
/// <param name="Index">The part's position in the dataset (0-based).</param>
/// <param name="Protection">How it is protected.</param>
/// <param name="Length">Its size on disk, in bytes.</param>
internal sealed record DatasetPart(string Path, int Index, PartProtection Protection, long Length);
