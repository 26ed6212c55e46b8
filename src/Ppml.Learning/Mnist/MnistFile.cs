namespace Ppml.Learning.Mnist;

/// <summary>One of the four original MNIST files and its published checksums.</summary>
/// <param name="Name">File name, for example <c>train-images-idx3-ubyte.gz</c>.</param>
/// <param name="Size">Size in bytes (gzip-compressed).</param>
/// <param name="Sha256">SHA-256 of the file, lower-case hex.</param>
/// <param name="Md5">MD5 of the file, lower-case hex (the checksum LeCun's page and torchvision publish).</param>
public sealed record MnistFile(string Name, long Size, string Sha256, string Md5);
