using Ppml.Core;
using Ppml.Learning;
using Ppml.Learning.Mnist;
using Ppml.Learning.Serialization;
using Ppml.Learning.Training;
using Ppml.Workloads.Inputs;

namespace Ppml.Workloads.Learning;

/// <summary>
/// MNIST directories and LeNet models read through a <see cref="PpmlSession"/>: containers are decrypted in memory, a
/// container beside a plain file wins, and plaintext is read only where <see cref="ProtectedInputs"/> allows it.
/// </summary>
public static class ProtectedLearningFiles
{
    /// <summary>Loads one split of MNIST from <paramref name="directory"/> (the four IDX files, each plain, .gz, .ppml or .gz.ppml).</summary>
    /// <param name="session">The session whose keys decrypt the containers.</param>
    /// <param name="directory">The MNIST directory.</param>
    /// <param name="split">Training or test split.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The images and labels.</returns>
    /// <exception cref="WorkloadException">The directory or a file is missing, or an input breaks a protection rule.</exception>
    public static async Task<MnistData> LoadMnistSplitAsync(PpmlSession session, string directory, MnistSplit split, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!Directory.Exists(directory))
        {
            throw new WorkloadException($"--data '{directory}' is not a directory.", isInvalidInput: true);
        }

        string prefix = split == MnistSplit.Train ? "train" : "t10k";
        string images = Find(directory, $"{prefix}-images-idx3-ubyte");
        string labels = Find(directory, $"{prefix}-labels-idx1-ubyte");
        Stream imageStream = await session.OpenInputAsync(images, cancellationToken).ConfigureAwait(false);
        await using (imageStream.ConfigureAwait(false))
        {
            Stream labelStream = await session.OpenInputAsync(labels, cancellationToken).ConfigureAwait(false);
            await using (labelStream.ConfigureAwait(false))
            {
                return await MnistData.LoadAsync(imageStream, labelStream, images, labels, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Loads a LeNet-5 model, which is only ever stored encrypted.</summary>
    /// <param name="session">The session whose keys decrypt it.</param>
    /// <param name="path">The model container.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The network.</returns>
    /// <exception cref="WorkloadException">The file is not a container.</exception>
    public static async Task<Sequential> LoadModelAsync(PpmlSession session, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!File.Exists(path))
        {
            throw new WorkloadException($"Model '{path}' does not exist.", isInvalidInput: true);
        }

        if (!ProtectedInputs.IsContainer(path))
        {
            throw new WorkloadException($"Model '{path}' is not a PPML container; models are only ever stored encrypted ('ppml train' writes them).", isInvalidInput: true);
        }

        Stream stream = await session.OpenInputAsync(path, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await ModelSerializer.LoadAsync(stream, LeNet5.Architecture, path, cancellationToken).ConfigureAwait(false);
        }
    }

    // Containers first: when a plain file sits beside the container, the authenticated one is the data.
    private static string Find(string directory, string stem)
    {
        foreach (string candidate in new[] { stem + PpmlFileNames.ContainerExtension, stem + ".gz" + PpmlFileNames.ContainerExtension, stem, stem + ".gz" })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new WorkloadException($"'{directory}' has no {stem} (looked for it as .ppml, .gz.ppml, plain and .gz).", isInvalidInput: true);
    }
}
