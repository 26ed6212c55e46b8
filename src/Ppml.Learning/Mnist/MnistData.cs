namespace Ppml.Learning.Mnist;

/// <summary>
/// MNIST-style labelled images in memory: <see cref="Count"/> grey images of <see cref="Rows"/>×<see cref="Columns"/>
/// unsigned bytes (row-major, 0 = background) and one label 0..9 per image.
/// </summary>
public sealed class MnistData
{
    /// <summary>IDX magic of an image file (unsigned bytes, rank 3).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>IDX magic of a label file (unsigned bytes, rank 1).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Number of classes.</summary>
    public const int ClassCount = 10;

    private readonly byte[] _images;
    private readonly byte[] _labels;

    internal MnistData(byte[] images, byte[] labels, int count, int rows, int columns)
    {
        _images = images;
        _labels = labels;
        Count = count;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Number of images (and labels).</summary>
    public int Count { get; }

    /// <summary>Image height in pixels (28 for MNIST).</summary>
    public int Rows { get; }

    /// <summary>Image width in pixels (28 for MNIST).</summary>
    public int Columns { get; }

    /// <summary>Bytes per image.</summary>
    public int ImageSize => Rows * Columns;

    /// <summary>All images, <see cref="ImageSize"/> bytes each, back to back.</summary>
    public ReadOnlyMemory<byte> Images => _images;

    /// <summary>One label (0..9) per image.</summary>
    public ReadOnlyMemory<byte> Labels => _labels;

    internal byte[] ImageArray => _images;

    internal byte[] LabelArray => _labels;

    /// <summary>
    /// Reads an image file and a label file (IDX, raw or gzip-compressed, detected automatically) and checks
    /// that they belong together.
    /// </summary>
    /// <param name="images">The IDX3 image stream (for example a decrypting stream over <c>train-images-idx3-ubyte.gz</c>).</param>
    /// <param name="labels">The IDX1 label stream.</param>
    /// <param name="imagesName">Name used in error messages for <paramref name="images"/>.</param>
    /// <param name="labelsName">Name used in error messages for <paramref name="labels"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="LearningFormatException">
    /// Wrong magic, truncated or corrupt file, labels outside 0..9, or image and label counts that differ.
    /// </exception>
    public static async Task<MnistData> LoadAsync(
        Stream images, Stream labels, string imagesName = "images", string labelsName = "labels", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        IdxFile imageFile = await IdxFile.ReadAsync(images, imagesName, 3, cancellationToken).ConfigureAwait(false);
        IdxFile labelFile = await IdxFile.ReadAsync(labels, labelsName, 1, cancellationToken).ConfigureAwait(false);
        int count = imageFile.Dimensions[0];
        if (labelFile.Dimensions[0] != count)
        {
            throw LearningFormatException.For(
                labelsName, $"has {labelFile.Dimensions[0]} labels but {imagesName} has {count} images; the counts must match");
        }

        byte[] labelBytes = labelFile.Data;
        for (int i = 0; i < labelBytes.Length; i++)
        {
            if (labelBytes[i] >= ClassCount)
            {
                throw LearningFormatException.For(labelsName, $"label {i} (offset {8 + i}) is {labelBytes[i]}, expected 0..9");
            }
        }

        return new MnistData(imageFile.Data, labelBytes, count, imageFile.Dimensions[1], imageFile.Dimensions[2]);
    }

    /// <summary>
    /// Loads a split from a folder holding the standard file names, gzip-compressed
    /// (<c>train-images-idx3-ubyte.gz</c>) or not (<c>train-images-idx3-ubyte</c>).
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <param name="split">Train or test.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="FileNotFoundException">A file of the split is missing.</exception>
    /// <exception cref="LearningFormatException">A file is malformed (see <see cref="LoadAsync"/>).</exception>
    public static async Task<MnistData> LoadDirectoryAsync(string directory, MnistSplit split, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string prefix = split == MnistSplit.Train ? "train" : "t10k";
        string imagesPath = Find(directory, $"{prefix}-images-idx3-ubyte");
        string labelsPath = Find(directory, $"{prefix}-labels-idx1-ubyte");
        var imagesStream = new FileStream(imagesPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (imagesStream.ConfigureAwait(false))
        {
            var labelsStream = new FileStream(labelsPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await using (labelsStream.ConfigureAwait(false))
            {
                return await LoadAsync(imagesStream, labelsStream, imagesPath, labelsPath, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The first <paramref name="count"/> images and labels (a copy).</summary>
    /// <param name="count">How many, 1..<see cref="Count"/>.</param>
    /// <returns>The subset.</returns>
    public MnistData Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        return new MnistData(_images.AsSpan(0, count * ImageSize).ToArray(), _labels.AsSpan(0, count).ToArray(), count, Rows, Columns);
    }

    private static string Find(string directory, string name)
    {
        foreach (string candidate in new[] { name + ".gz", name })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"Neither {name}.gz nor {name} exists in '{directory}'; run `ppml datasets fetch mnist` first.", Path.Combine(directory, name + ".gz"));
    }
}
