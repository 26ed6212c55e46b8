using System.Globalization;
using System.Numerics.Tensors;
using Ppml.Learning.Kernels;

namespace Ppml.Learning.Layers;

/// <summary>Fully connected layer <c>y = x·Wᵀ + b</c>, W stored [out, in] as in BigDL/Torch.</summary>
internal sealed class Linear : Layer
{
    private readonly InitializerKind _initializer;
    private float[] _parameters = [];
    private float[] _gradients = [];
    private int _offset;

    public Linear(int inputFeatures, int outputFeatures, InitializerKind initializer = InitializerKind.TorchUniform)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputFeatures);
        if (((long)inputFeatures * outputFeatures) + outputFeatures > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(outputFeatures), $"Linear({inputFeatures}, {outputFeatures}) has more parameters than an array can hold.");
        }

        InputFeatures = inputFeatures;
        OutputFeatures = outputFeatures;
        _initializer = initializer;
    }

    public int InputFeatures { get; }

    public int OutputFeatures { get; }

    public override int ParameterCount => (InputFeatures * OutputFeatures) + OutputFeatures;

    private int BiasOffset => _offset + (InputFeatures * OutputFeatures);

    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"Linear(in={InputFeatures}, out={OutputFeatures})");

    public override void Bind(float[] parameters, float[] gradients, int offset)
    {
        _parameters = parameters;
        _gradients = gradients;
        _offset = offset;
    }

    public override void Initialize(SeededRandom random)
    {
        Initializer.Fill(_parameters.AsSpan(_offset, InputFeatures * OutputFeatures), _initializer, InputFeatures, OutputFeatures, random);
        Initializer.Fill(_parameters.AsSpan(BiasOffset, OutputFeatures), InitializerKind.TorchUniform, InputFeatures, OutputFeatures, random);
    }

    public override void Forward(float[] input, float[] output, int batch, bool training)
    {
        ReadOnlySpan<float> weights = _parameters.AsSpan(_offset, InputFeatures * OutputFeatures);
        ReadOnlySpan<float> bias = _parameters.AsSpan(BiasOffset, OutputFeatures);
        Gemm.Multiply(
            transposeA: false, transposeB: true, batch, OutputFeatures, InputFeatures,
            input, InputFeatures, weights, InputFeatures, output, OutputFeatures, accumulate: false);
        for (int b = 0; b < batch; b++)
        {
            Span<float> row = output.AsSpan(b * OutputFeatures, OutputFeatures);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    public override void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch)
    {
        ReadOnlySpan<float> weights = _parameters.AsSpan(_offset, InputFeatures * OutputFeatures);
        if (inputGradient is not null)
        {
            // dX[B,in] = dY[B,out] · W[out,in]
            Gemm.Multiply(
                transposeA: false, transposeB: false, batch, InputFeatures, OutputFeatures,
                outputGradient, OutputFeatures, weights, InputFeatures, inputGradient, InputFeatures, accumulate: false);
        }

        // dW[out,in] += dYᵀ[out,B] · X[B,in]
        Gemm.Multiply(
            transposeA: true, transposeB: false, OutputFeatures, InputFeatures, batch,
            outputGradient, OutputFeatures, input, InputFeatures,
            _gradients.AsSpan(_offset, InputFeatures * OutputFeatures), InputFeatures, accumulate: true);
        Span<float> biasGradient = _gradients.AsSpan(BiasOffset, OutputFeatures);
        for (int b = 0; b < batch; b++)
        {
            TensorPrimitives.Add(biasGradient, outputGradient.AsSpan(b * OutputFeatures, OutputFeatures), biasGradient);
        }
    }

    protected override int[] ComputeOutputShape(int[] inputShape)
    {
        if (Product(inputShape) != InputFeatures)
        {
            throw new ArgumentException($"{Describe()} expects {InputFeatures} input features, got shape [{FormatShape(inputShape)}].", nameof(inputShape));
        }

        return [OutputFeatures];
    }
}
