namespace Ppml.Learning.Layers;

/// <summary>Reinterprets each sample with a new shape of the same size (Flatten is Reshape to one dimension).</summary>
internal sealed class Reshape : Layer
{
    private readonly int[] _shape;

    public Reshape(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0)
        {
            throw new ArgumentException("Reshape needs at least one dimension.", nameof(shape));
        }

        _ = Product(shape);
        _shape = (int[])shape.Clone();
    }

    public override string Describe() => $"Reshape({FormatShape(_shape)})";

    public override void Forward(float[] input, float[] output, int batch, bool training) =>
        input.AsSpan(0, batch * InputSize).CopyTo(output);

    public override void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch)
    {
        if (inputGradient is not null)
        {
            outputGradient.AsSpan(0, batch * OutputSize).CopyTo(inputGradient);
        }
    }

    protected override int[] ComputeOutputShape(int[] inputShape)
    {
        if (Product(inputShape) != Product(_shape))
        {
            throw new ArgumentException($"{Describe()} cannot reshape [{FormatShape(inputShape)}]: the element counts differ.", nameof(inputShape));
        }

        return (int[])_shape.Clone();
    }
}
