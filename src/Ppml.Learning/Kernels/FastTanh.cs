using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ppml.Learning.Kernels;

/// <summary>
/// tanh for float32 as a rational function of x² on [−9, 9] (outside it tanh rounds to ±1 in float32): a
/// degree-13 odd numerator over a degree-6 even denominator, the approximation Eigen and TensorFlow use
/// (maximum error a few ulp). About ten times faster than <c>TensorPrimitives.Tanh</c> here, which mattered:
/// LeNet's first Tanh sees 442,368 values per batch. Vector and scalar paths evaluate the same formula.
/// </summary>
internal static class FastTanh
{
    private const float Clamp = 9f;
    private const float Alpha1 = 4.89352455891786e-03f;
    private const float Alpha3 = 6.37261928875436e-04f;
    private const float Alpha5 = 1.48572235717979e-05f;
    private const float Alpha7 = 5.12229709037114e-08f;
    private const float Alpha9 = -8.60467152213735e-11f;
    private const float Alpha11 = 2.00018790482477e-13f;
    private const float Alpha13 = -2.76076847742355e-16f;
    private const float Beta0 = 4.89352518554385e-03f;
    private const float Beta2 = 2.26843463243900e-03f;
    private const float Beta4 = 1.18534705686654e-04f;
    private const float Beta6 = 1.19825839466702e-06f;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(ReadOnlySpan<float> input, Span<float> output)
    {
        if (output.Length < input.Length)
        {
            throw new ArgumentException("Output is shorter than input.", nameof(output));
        }

        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float source = ref MemoryMarshal.GetReference(input);
            ref float target = ref MemoryMarshal.GetReference(output);
            for (; i <= input.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> x = Vector256.LoadUnsafe(ref source, (nuint)i);
                Evaluate(x).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < input.Length; i++)
        {
            output[i] = Evaluate(input[i]);
        }
    }

    /// <summary>∂x = ∂y·(1 − y²) in one pass (y is the forward output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        if (outputGradient.Length < output.Length || inputGradient.Length < output.Length)
        {
            throw new ArgumentException("Gradient spans are shorter than the output.", nameof(inputGradient));
        }

        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float y = ref MemoryMarshal.GetReference(output);
            ref float dy = ref MemoryMarshal.GetReference(outputGradient);
            ref float dx = ref MemoryMarshal.GetReference(inputGradient);
            for (; i <= output.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> value = Vector256.LoadUnsafe(ref y, (nuint)i);
                Vector256<float> gradient = Vector256.LoadUnsafe(ref dy, (nuint)i);
                (gradient - (gradient * value * value)).StoreUnsafe(ref dx, (nuint)i);
            }
        }

        for (; i < output.Length; i++)
        {
            inputGradient[i] = outputGradient[i] - (outputGradient[i] * output[i] * output[i]);
        }
    }

    public static float Evaluate(float value)
    {
        float x = Math.Clamp(value, -Clamp, Clamp);
        float x2 = x * x;
        float p = MathF.FusedMultiplyAdd(x2, Alpha13, Alpha11);
        p = MathF.FusedMultiplyAdd(x2, p, Alpha9);
        p = MathF.FusedMultiplyAdd(x2, p, Alpha7);
        p = MathF.FusedMultiplyAdd(x2, p, Alpha5);
        p = MathF.FusedMultiplyAdd(x2, p, Alpha3);
        p = MathF.FusedMultiplyAdd(x2, p, Alpha1);
        p *= x;
        float q = MathF.FusedMultiplyAdd(x2, Beta6, Beta4);
        q = MathF.FusedMultiplyAdd(x2, q, Beta2);
        q = MathF.FusedMultiplyAdd(x2, q, Beta0);
        return p / q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Evaluate(Vector256<float> value)
    {
        Vector256<float> x = Vector256.Min(Vector256.Max(value, Vector256.Create(-Clamp)), Vector256.Create(Clamp));
        Vector256<float> x2 = x * x;
        Vector256<float> p = MultiplyAdd(x2, Vector256.Create(Alpha13), Vector256.Create(Alpha11));
        p = MultiplyAdd(x2, p, Vector256.Create(Alpha9));
        p = MultiplyAdd(x2, p, Vector256.Create(Alpha7));
        p = MultiplyAdd(x2, p, Vector256.Create(Alpha5));
        p = MultiplyAdd(x2, p, Vector256.Create(Alpha3));
        p = MultiplyAdd(x2, p, Vector256.Create(Alpha1));
        p *= x;
        Vector256<float> q = MultiplyAdd(x2, Vector256.Create(Beta6), Vector256.Create(Beta4));
        q = MultiplyAdd(x2, q, Vector256.Create(Beta2));
        q = MultiplyAdd(x2, q, Vector256.Create(Beta0));
        return p / q;
    }

    // MathF.FusedMultiplyAdd in the scalar path and Fma here round identically; without FMA hardware the
    // vector path rounds twice, which only moves the last bit.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;
}
