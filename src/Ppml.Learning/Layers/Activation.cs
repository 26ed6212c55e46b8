namespace Ppml.Learning.Layers;

/// <summary>A parameter-free element-wise layer: output shape = input shape.</summary>
internal abstract class Activation : Layer
{
    protected override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();
}
