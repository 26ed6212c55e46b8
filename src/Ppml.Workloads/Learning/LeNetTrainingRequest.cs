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

    /// <summary>A PNG of loss and accuracy per epoch to write; <see langword="null"/> for none.</summary>
    public string? PlotPath { get; init; }
}
