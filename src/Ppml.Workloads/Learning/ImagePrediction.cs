namespace Ppml.Workloads.Learning;

/// <summary>The class <see cref="LeNetWorkload.PredictAsync"/> gave one image.</summary>
/// <param name="Label">The predicted digit.</param>
/// <param name="Confidence">The probability of <paramref name="Label"/> (LeNet models); <see langword="null"/> for ONNX models.</param>
/// <param name="OnnxOutputName">The ONNX output read (ONNX models only).</param>
/// <param name="Scores">The raw ONNX output (ONNX models only); empty otherwise.</param>
public sealed record ImagePrediction(int Label, float? Confidence, string? OnnxOutputName, IReadOnlyList<float> Scores);
