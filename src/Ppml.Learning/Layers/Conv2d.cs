using System.Globalization;
using System.Numerics.Tensors;
using Ppml.Learning.Kernels;

namespace Ppml.Learning.Layers;

/// <summary>
/// 2-D convolution over NCHW input (BigDL's SpatialConvolution): weights [out, in·kh·kw] then bias [out].
/// Each sample is unfolded with im2col and multiplied by the packed GEMM; samples run in fixed chunks on the
/// thread pool, each chunk with its own patch buffers and weight-gradient partial sums, reduced in chunk order.
/// </summary>
internal sealed class Conv2d : Layer
{
    private readonly InitializerKind _initializer;
    private float[] _parameters = [];
    private float[] _gradients = [];
    private int _offset;
    private ConvolutionGeometry _geometry;
    private float[][] _columns = [];
    private float[][] _columnGradients = [];
    private float[][] _weightGradients = [];

    public Conv2d(
        int inputChannels, int outputChannels, int kernelHeight, int kernelWidth,
        int strideHeight = 1, int strideWidth = 1, int padHeight = 0, int padWidth = 0,
        InitializerKind initializer = InitializerKind.TorchUniform)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(strideHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(strideWidth);
        ArgumentOutOfRangeException.ThrowIfNegative(padHeight);
        ArgumentOutOfRangeException.ThrowIfNegative(padWidth);
        if (((long)inputChannels * kernelHeight * kernelWidth * outputChannels) + outputChannels > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(outputChannels), "The convolution has more parameters than an array can hold.");
        }

        InputChannels = inputChannels;
        OutputChannels = outputChannels;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        StrideHeight = strideHeight;
        StrideWidth = strideWidth;
        PadHeight = padHeight;
        PadWidth = padWidth;
        _initializer = initializer;
    }

    public int InputChannels { get; }

    public int OutputChannels { get; }

    public int KernelHeight { get; }

    public int KernelWidth { get; }

    public int StrideHeight { get; }

    public int StrideWidth { get; }

    public int PadHeight { get; }

    public int PadWidth { get; }

    private int PatchSize => InputChannels * KernelHeight * KernelWidth;

    private int WeightCount => OutputChannels * PatchSize;

    public override int ParameterCount => WeightCount + OutputChannels;

    public override string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"Conv2d(in={InputChannels}, out={OutputChannels}, kernel={KernelHeight}x{KernelWidth}, stride={StrideHeight}x{StrideWidth}, padding={PadHeight}x{PadWidth})");

    public override void Bind(float[] parameters, float[] gradients, int offset)
    {
        _parameters = parameters;
        _gradients = gradients;
        _offset = offset;
    }

    public override void Initialize(SeededRandom random)
    {
        int fanOut = OutputChannels * KernelHeight * KernelWidth;
        Initializer.Fill(_parameters.AsSpan(_offset, WeightCount), _initializer, PatchSize, fanOut, random);
        Initializer.Fill(_parameters.AsSpan(_offset + WeightCount, OutputChannels), InitializerKind.TorchUniform, PatchSize, fanOut, random);
    }

    public override void EnsureCapacity(int batch)
    {
        int chunks = BatchChunks.Count(batch);
        if (_columns.Length >= chunks)
        {
            return;
        }

        int columnsLength = PatchSize * _geometry.OutputArea;
        _columns = new float[chunks][];
        _columnGradients = new float[chunks][];
        _weightGradients = new float[chunks][];
        for (int i = 0; i < chunks; i++)
        {
            _columns[i] = new float[columnsLength];
            _columnGradients[i] = new float[columnsLength];
            _weightGradients[i] = new float[ParameterCount];
        }
    }

    public override void Forward(float[] input, float[] output, int batch, bool training)
    {
        EnsureCapacity(batch);
        BatchChunks.Run(batch, (chunk, first, count) => ForwardChunk(input, output, chunk, first, count));
    }

    public override void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch)
    {
        EnsureCapacity(batch);
        BatchChunks.Run(batch, (chunk, first, count) => BackwardChunk(input, outputGradient, inputGradient, chunk, first, count));

        // Fixed-order reduction of the per-chunk partial sums keeps results independent of the thread count.
        Span<float> gradients = _gradients.AsSpan(_offset, ParameterCount);
        for (int chunk = 0; chunk < BatchChunks.Count(batch); chunk++)
        {
            TensorPrimitives.Add(gradients, _weightGradients[chunk], gradients);
        }
    }

    private void ForwardChunk(float[] input, float[] output, int chunk, int first, int count)
    {
        ConvolutionGeometry g = _geometry;
        int area = g.OutputArea;
        float[] columns = _columns[chunk];
        ReadOnlySpan<float> weights = _parameters.AsSpan(_offset, WeightCount);
        ReadOnlySpan<float> bias = _parameters.AsSpan(_offset + WeightCount, OutputChannels);
        for (int b = first; b < first + count; b++)
        {
            Im2Col.Unfold(g, input.AsSpan(b * InputSize, InputSize), columns);
            Span<float> y = output.AsSpan(b * OutputSize, OutputSize);
            Gemm.Multiply(
                transposeA: false, transposeB: false, OutputChannels, area, PatchSize,
                weights, PatchSize, columns, area, y, area, accumulate: false, allowParallel: false);
            for (int oc = 0; oc < OutputChannels; oc++)
            {
                Span<float> plane = y.Slice(oc * area, area);
                TensorPrimitives.Add(plane, bias[oc], plane);
            }
        }
    }

    private void BackwardChunk(float[] input, float[] outputGradient, float[]? inputGradient, int chunk, int first, int count)
    {
        ConvolutionGeometry g = _geometry;
        int area = g.OutputArea;
        float[] columns = _columns[chunk];
        float[] columnGradients = _columnGradients[chunk];
        Span<float> partial = _weightGradients[chunk];
        Span<float> weightPartial = partial[..WeightCount];
        Span<float> biasPartial = partial.Slice(WeightCount, OutputChannels);
        ReadOnlySpan<float> weights = _parameters.AsSpan(_offset, WeightCount);
        for (int b = first; b < first + count; b++)
        {
            ReadOnlySpan<float> dy = outputGradient.AsSpan(b * OutputSize, OutputSize);
            Im2Col.Unfold(g, input.AsSpan(b * InputSize, InputSize), columns);

            // dW[out, patch] (+)= dY[out, area] · colsᵀ[area, patch]
            Gemm.Multiply(
                transposeA: false, transposeB: true, OutputChannels, PatchSize, area,
                dy, area, columns, area, weightPartial, PatchSize, accumulate: b > first, allowParallel: false);
            for (int oc = 0; oc < OutputChannels; oc++)
            {
                float sum = TensorPrimitives.Sum(dy.Slice(oc * area, area));
                biasPartial[oc] = b > first ? biasPartial[oc] + sum : sum;
            }

            if (inputGradient is not null)
            {
                // dCols[patch, area] = Wᵀ[patch, out] · dY[out, area], then fold back into the image.
                Gemm.Multiply(
                    transposeA: true, transposeB: false, PatchSize, area, OutputChannels,
                    weights, PatchSize, dy, area, columnGradients, area, accumulate: false, allowParallel: false);
                Span<float> dx = inputGradient.AsSpan(b * InputSize, InputSize);
                dx.Clear();
                Im2Col.Fold(g, columnGradients, dx);
            }
        }
    }

    protected override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 3 || inputShape[0] != InputChannels)
        {
            throw new ArgumentException($"{Describe()} expects a {InputChannels}xHxW input, got [{FormatShape(inputShape)}].", nameof(inputShape));
        }

        var geometry = new ConvolutionGeometry(
            InputChannels, inputShape[1], inputShape[2], KernelHeight, KernelWidth, StrideHeight, StrideWidth, PadHeight, PadWidth);
        if (inputShape[1] + (2 * PadHeight) < KernelHeight || inputShape[2] + (2 * PadWidth) < KernelWidth)
        {
            throw new ArgumentException($"{Describe()}: kernel larger than the padded {inputShape[1]}x{inputShape[2]} input.", nameof(inputShape));
        }

        _geometry = geometry;
        _columns = [];
        return [OutputChannels, geometry.OutputHeight, geometry.OutputWidth];
    }
}
