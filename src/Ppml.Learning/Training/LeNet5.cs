using Ppml.Learning.Layers;

namespace Ppml.Learning.Training;

/// <summary>
/// BigDL's LeNet-5 for MNIST: Reshape(1,28,28) → SpatialConvolution(1,6,5,5) → Tanh → SpatialMaxPooling(2,2,2,2)
/// → SpatialConvolution(6,12,5,5) → Tanh → SpatialMaxPooling(2,2,2,2) → Reshape(192) → Linear(192,100) → Tanh
/// → Linear(100,10) → LogSoftMax, preceded by BigDL's MNIST normalization as a fixed first layer so the model
/// takes raw pixel values (0..255).
/// </summary>
public static class LeNet5
{
    /// <summary>BigDL's MNIST training mean, in pixel units: 0.13066047740239506 × 255.</summary>
    public const float PixelMean = (float)(0.13066047740239506 * 255);

    /// <summary>BigDL's MNIST training standard deviation, in pixel units: 0.3081078 × 255.</summary>
    public const float PixelStandardDeviation = (float)(0.3081078 * 255);

    /// <summary>Image side in pixels.</summary>
    public const int ImageSide = 28;

    private static readonly Lazy<string> s_architecture = new(() => new Sequential([ImageSide, ImageSide], CreateLayers()).Architecture);

    /// <summary>The architecture string every LeNet-5 model file carries (see <see cref="Sequential.Architecture"/>).</summary>
    public static string Architecture => s_architecture.Value;

    /// <summary>Creates a LeNet-5 with parameters drawn from <paramref name="seed"/> (BigDL/Torch default initialization).</summary>
    /// <param name="seed">The seed; the same seed gives the same parameters.</param>
    /// <returns>The model.</returns>
    public static Sequential Create(int seed)
    {
        var model = new Sequential([ImageSide, ImageSide], CreateLayers());
        model.Initialize(unchecked((ulong)seed));
        return model;
    }

    internal static IEnumerable<Layer> CreateLayers() =>
    [
        new Normalize(PixelMean, PixelStandardDeviation),
        new Reshape(1, ImageSide, ImageSide),
        new Conv2d(1, 6, 5, 5),
        new Tanh(),
        new MaxPool2d(2, 2, 2, 2),
        new Conv2d(6, 12, 5, 5),
        new Tanh(),
        new MaxPool2d(2, 2, 2, 2),
        new Reshape(12 * 4 * 4),
        new Linear(12 * 4 * 4, 100),
        new Tanh(),
        new Linear(100, 10),
        new LogSoftmax(),
    ];
}
