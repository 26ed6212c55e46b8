using Ppml.Learning.Training;

namespace Ppml.Workloads.Learning;

/// <summary>What <see cref="LeNetWorkload.TrainAsync"/> trains on and where it writes the model.</summary>
public sealed class LeNetTrainingRequest
{
    /// <summary>The MNIST directory (the four IDX files, each plain, .gz, .ppml or .gz.ppml).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The model file to write, always a container.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The hyper-parameters.</summary>
    /// <value>Default: <see cref="TrainingOptions"/>'s defaults.</value>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>Train on the first N images only; <see langword="null"/> for all.</summary>
    public int? Limit { get; init; }

    /// <summary>Whether an existing model file is replaced.</summary>
    public bool Overwrite { get; init; }

    /// <summary>A PNG of the loss per step and the accuracy per epoch to write; <see langword="null"/> for none.</summary>
    public string? PlotPath { get; init; }

    /// <summary>
    /// The checkpoint written (encrypted, atomically) after every epoch, and read when <see cref="Resume"/> is set;
    /// <see langword="null"/> for <see cref="DefaultCheckpointPath"/> of <see cref="ModelPath"/>.
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Whether to continue from <see cref="CheckpointPath"/> instead of starting afresh.</summary>
    public bool Resume { get; init; }

    /// <summary>The checkpoint path used when none is given: <c>MODEL.checkpoint.ppml</c> beside the model (a trailing <c>.ppml</c> of the model dropped).</summary>
    /// <param name="modelPath">The model file.</param>
    /// <returns>The checkpoint path.</returns>
    public static string DefaultCheckpointPath(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        string stem = modelPath.EndsWith(Ppml.Core.PpmlFileNames.ContainerExtension, StringComparison.Ordinal)
            ? modelPath[..^Ppml.Core.PpmlFileNames.ContainerExtension.Length]
            : modelPath;
        return stem + ".checkpoint" + Ppml.Core.PpmlFileNames.ContainerExtension;
    }

    /// <summary>The checkpoint this request writes and resumes from.</summary>
    public string EffectiveCheckpointPath => CheckpointPath ?? DefaultCheckpointPath(ModelPath);
}
