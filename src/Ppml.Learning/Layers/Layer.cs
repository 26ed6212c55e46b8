namespace Ppml.Learning.Layers;

/// <summary>
/// One step of a <see cref="Sequential"/> model. Shapes are per sample (batch first, row-major, NCHW); all
/// buffers are plain arrays owned by the model and reused across batches. A layer's trainable parameters are a
/// slice of the model's flat parameter buffer, its gradients the same slice of the flat gradient buffer.
/// </summary>
internal abstract class Layer
{
    public int[] InputShape { get; private set; } = [];

    public int[] OutputShape { get; private set; } = [];

    /// <summary>Elements per sample of the input.</summary>
    public int InputSize { get; private set; }

    /// <summary>Elements per sample of the output.</summary>
    public int OutputSize { get; private set; }

    /// <summary>Trainable parameters (a slice of the flat parameter buffer).</summary>
    public virtual int ParameterCount => 0;

    /// <summary>Non-trainable state saved with the model (for example BatchNorm running statistics).</summary>
    public virtual int StateCount => 0;

    /// <summary>One canonical line, parsed back by <see cref="LayerFactory"/>; the model file stores it.</summary>
    public abstract string Describe();

    /// <summary>Fixes the input shape; throws <see cref="ArgumentException"/> when the layer cannot accept it.</summary>
    public void Build(int[] inputShape)
    {
        InputShape = (int[])inputShape.Clone();
        OutputShape = ComputeOutputShape(InputShape);
        InputSize = Product(InputShape);
        OutputSize = Product(OutputShape);
    }

    /// <summary>Points the layer at its slice of the flat parameter and gradient buffers.</summary>
    public virtual void Bind(float[] parameters, float[] gradients, int offset)
    {
    }

    /// <summary>Points the layer at its slice of the flat state buffer.</summary>
    public virtual void BindState(float[] state, int offset)
    {
    }

    /// <summary>Draws the initial parameters (and seeds any stochastic behaviour) from <paramref name="random"/>.</summary>
    public virtual void Initialize(SeededRandom random)
    {
    }

    /// <summary>Sizes the layer's scratch buffers for batches of up to <paramref name="batch"/> samples.</summary>
    public virtual void EnsureCapacity(int batch)
    {
    }

    /// <summary>Computes <paramref name="output"/>[0..batch·OutputSize) from <paramref name="input"/>.</summary>
    public abstract void Forward(float[] input, float[] output, int batch, bool training);

    /// <summary>
    /// Adds the parameter gradients into the gradient buffer and, when <paramref name="inputGradient"/> is not
    /// null, overwrites it with ∂loss/∂input. Called after a training-mode <see cref="Forward"/> on the same data.
    /// </summary>
    public abstract void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch);

    protected abstract int[] ComputeOutputShape(int[] inputShape);

    internal static int Product(ReadOnlySpan<int> shape)
    {
        long product = 1;
        foreach (int dimension in shape)
        {
            product *= dimension;
            if (dimension <= 0 || product > int.MaxValue)
            {
                throw new ArgumentException($"Shape [{string.Join(", ", shape.ToArray())}] is empty or too large.", nameof(shape));
            }
        }

        return (int)product;
    }

    protected static string FormatShape(ReadOnlySpan<int> shape) => string.Join("x", shape.ToArray());

    protected string ShapeError(string expectation) =>
        $"{Describe()} expects {expectation}, got input shape [{FormatShape(InputShape)}].";
}
