namespace Ppml.Learning.Onnx;

/// <summary>A named float32 tensor passed to or returned by <see cref="OnnxModel"/>.</summary>
/// <param name="Name">The graph input or output name.</param>
/// <param name="Data">Row-major values; the length is the product of <paramref name="Shape"/>.</param>
/// <param name="Shape">Dimensions, for example [batch, features].</param>
public sealed record OnnxTensor(string Name, ReadOnlyMemory<float> Data, IReadOnlyList<int> Shape);
