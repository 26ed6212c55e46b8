using System.Globalization;
using System.Text;
using Ppml.Learning.Layers;

namespace Ppml.Learning;

/// <summary>
/// A feed-forward model: layers applied in order to batches of samples. All trainable parameters live in one
/// flat buffer (<see cref="Parameters"/>) and all gradients in another of the same layout
/// (<see cref="Gradients"/>), so they can be averaged across nodes in one call. Activation buffers are
/// allocated once per batch capacity and reused. An instance is not thread-safe.
/// </summary>
public sealed class Sequential
{
    private readonly Layer[] _layers;
    private readonly int[] _inputShape;
    private readonly float[] _parameters;
    private readonly float[] _gradients;
    private readonly float[] _state;
    private float[][] _activations = [];
    private float[][] _activationGradients = [];
    private int _capacity;
    private readonly int _firstTrainable;

    internal Sequential(int[] inputShape, IEnumerable<Layer> layers)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(layers);
        _inputShape = (int[])inputShape.Clone();
        _layers = layers.ToArray();
        if (_layers.Length == 0)
        {
            throw new ArgumentException("A model needs at least one layer.", nameof(layers));
        }

        int[] shape = _inputShape;
        _ = Layer.Product(shape);
        long parameterCount = 0;
        long stateCount = 0;
        foreach (Layer layer in _layers)
        {
            layer.Build(shape);
            shape = layer.OutputShape;
            parameterCount += layer.ParameterCount;
            stateCount += layer.StateCount;
        }

        if (parameterCount > Array.MaxLength || stateCount > Array.MaxLength)
        {
            throw new ArgumentException("The model has more parameters than one array can hold.", nameof(layers));
        }

        _parameters = new float[parameterCount];
        _gradients = new float[parameterCount];
        _state = new float[stateCount];
        int offset = 0;
        int stateOffset = 0;
        foreach (Layer layer in _layers)
        {
            layer.Bind(_parameters, _gradients, offset);
            layer.BindState(_state, stateOffset);
            offset += layer.ParameterCount;
            stateOffset += layer.StateCount;
        }

        var architecture = new StringBuilder();
        architecture.Append(CultureInfo.InvariantCulture, $"Input({string.Join("x", _inputShape)})");
        foreach (Layer layer in _layers)
        {
            architecture.Append('\n').Append(layer.Describe());
        }

        Architecture = architecture.ToString();
        _firstTrainable = Array.FindIndex(_layers, layer => layer.ParameterCount > 0);
        if (_firstTrainable < 0)
        {
            _firstTrainable = _layers.Length;
        }
    }

    /// <summary>
    /// Creates a model from its architecture text (the format of <see cref="Architecture"/>: <c>Input(CxHxW)</c>
    /// then one layer per line, for example <c>Linear(in=784, out=10)</c>) with parameters drawn from
    /// <paramref name="seed"/>. This is the model-building API until a typed builder is needed.
    /// </summary>
    /// <param name="architecture">The architecture text; see docs/learning.md for every layer's syntax.</param>
    /// <param name="seed">Seed of the initialization; the same seed gives the same parameters.</param>
    /// <returns>The model.</returns>
    /// <exception cref="LearningFormatException">The text names an unknown layer, has malformed arguments, or shapes that do not fit.</exception>
    public static Sequential Create(string architecture, int seed)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        Sequential model = Serialization.ModelSerializer.Build(architecture, "architecture");
        model.Initialize(unchecked((ulong)seed));
        return model;
    }

    /// <summary>
    /// The canonical description: <c>Input(CxHxW)</c> then one line per layer, joined by <c>\n</c>. Two models
    /// with equal architectures accept each other's parameters.
    /// </summary>
    public string Architecture { get; }

    /// <summary>Number of trainable parameters (the length of <see cref="Parameters"/>).</summary>
    public int ParameterCount => _parameters.Length;

    /// <summary>Shape of one input sample, for example [1, 28, 28].</summary>
    public IReadOnlyList<int> InputShape => _inputShape;

    /// <summary>Shape of one output sample, for example [10].</summary>
    public IReadOnlyList<int> OutputShape => _layers[^1].OutputShape;

    /// <summary>All trainable parameters, layer after layer (weights then bias for Linear and Conv2d).</summary>
    public Memory<float> Parameters => _parameters;

    /// <summary>The gradients of the last backward pass, in the layout of <see cref="Parameters"/>.</summary>
    public Memory<float> Gradients => _gradients;

    internal IReadOnlyList<Layer> Layers => _layers;

    internal float[] ParameterBuffer => _parameters;

    internal float[] GradientBuffer => _gradients;

    internal float[] StateBuffer => _state;

    internal int InputSize => _layers[0].InputSize;

    internal int OutputSize => _layers[^1].OutputSize;

    /// <summary>The buffer the next batch's inputs go to (first batch·InputSize elements).</summary>
    internal float[] InputBuffer => _activations[0];

    /// <summary>The buffer ∂loss/∂output goes to before <see cref="Backward"/>.</summary>
    internal float[] OutputGradientBuffer => _activationGradients[^1];

    /// <summary>
    /// Builds the shapes of <paramref name="layers"/> without allocating anything, and returns the parameter
    /// count and the activation elements one sample needs (so a loader can refuse oversized models first).
    /// </summary>
    internal static (long Parameters, long ActivationsPerSample) Measure(int[] inputShape, IReadOnlyList<Layer> layers)
    {
        int[] shape = inputShape;
        long activations = Layer.Product(shape);
        long parameters = 0;
        foreach (Layer layer in layers)
        {
            layer.Build(shape);
            shape = layer.OutputShape;
            activations += layer.OutputSize;
            parameters += layer.ParameterCount + (long)layer.StateCount;
        }

        return (parameters, activations);
    }

    /// <summary>A copy with the same architecture, parameters and state (activation buffers are not shared).</summary>
    internal Sequential Clone()
    {
        Sequential copy = Serialization.ModelSerializer.Build(Architecture, "model");
        _parameters.CopyTo(copy._parameters, 0);
        _state.CopyTo(copy._state, 0);
        return copy;
    }

    /// <summary>Draws fresh parameters from <paramref name="seed"/>; the same seed gives the same model.</summary>
    internal void Initialize(ulong seed)
    {
        var random = new SeededRandom(seed);
        for (int i = 0; i < _layers.Length; i++)
        {
            _layers[i].Initialize(random.Fork((ulong)i + 1));
        }
    }

    /// <summary>Sizes every activation buffer for batches of up to <paramref name="batch"/> samples.</summary>
    internal void EnsureCapacity(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (batch <= _capacity)
        {
            return;
        }

        _activations = new float[_layers.Length + 1][];
        _activationGradients = new float[_layers.Length + 1][];
        _activations[0] = new float[(long)batch * InputSize];
        _activationGradients[0] = [];
        for (int i = 0; i < _layers.Length; i++)
        {
            _activations[i + 1] = new float[(long)batch * _layers[i].OutputSize];
            _activationGradients[i + 1] = new float[(long)batch * _layers[i].OutputSize];
            _layers[i].EnsureCapacity(batch);
        }

        _capacity = batch;
    }

    /// <summary>Runs the batch in <see cref="InputBuffer"/> through every layer; returns the output buffer.</summary>
    internal float[] Forward(int batch, bool training)
    {
        CheckBatch(batch);
        for (int i = 0; i < _layers.Length; i++)
        {
            _layers[i].Forward(_activations[i], _activations[i + 1], batch, training);
        }

        return _activations[^1];
    }

    /// <summary>
    /// Back-propagates <see cref="OutputGradientBuffer"/> and adds the parameter gradients into
    /// <see cref="Gradients"/> (call <see cref="ZeroGradients"/> first for a fresh step). Layers before the
    /// first trainable one are skipped and the first trainable layer computes no input gradient: nothing
    /// upstream needs them (for LeNet this saves conv1's col2im and the normalization's backward pass).
    /// </summary>
    internal void Backward(int batch)
    {
        CheckBatch(batch);
        for (int i = _layers.Length - 1; i >= _firstTrainable; i--)
        {
            float[]? inputGradient = i == _firstTrainable ? null : _activationGradients[i];
            _layers[i].Backward(_activations[i], _activations[i + 1], _activationGradients[i + 1], inputGradient, batch);
        }
    }

    internal void ZeroGradients() => Array.Clear(_gradients);

    /// <summary>Runs one sample through the model in inference mode.</summary>
    /// <param name="sample">One input sample of <see cref="InputShape"/> (row-major).</param>
    /// <returns>The model output for the sample (for a classifier ending in LogSoftmax: log-probabilities).</returns>
    /// <exception cref="ArgumentException">The sample has the wrong number of elements.</exception>
    public float[] Predict(ReadOnlySpan<float> sample)
    {
        if (sample.Length != InputSize)
        {
            throw new ArgumentException($"The model takes {InputSize} values per sample, got {sample.Length}.", nameof(sample));
        }

        EnsureCapacity(1);
        sample.CopyTo(InputBuffer);
        return Forward(1, training: false).AsSpan(0, OutputSize).ToArray();
    }

    private void CheckBatch(int batch)
    {
        if (batch <= 0 || batch > _capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"Batch must be in 1..{_capacity} (call EnsureCapacity first).");
        }
    }
}
