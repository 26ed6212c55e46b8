using Ppml.Learning.Layers;

namespace Ppml.Learning.Tests.Layers;

/// <summary>Central finite differences of L = Σ output·R against the analytic backward pass of one layer.</summary>
internal static class GradientChecker
{
    public static void Check(
        Layer layer, int[] inputShape, int batch, ulong seed,
        Func<SeededRandom, int, float[]>? inputs = null, float epsilon = 1e-2f, Action<Layer>? beforeForward = null,
        int probes = 40)
    {
        layer.Build(inputShape);
        float[] parameters = new float[layer.ParameterCount];
        float[] gradients = new float[layer.ParameterCount];
        float[] state = new float[layer.StateCount];
        layer.Bind(parameters, gradients, 0);
        layer.BindState(state, 0);
        var random = new SeededRandom(seed);
        layer.Initialize(random.Fork(1));
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] += random.NextSingle(-0.2f, 0.2f);
        }

        layer.EnsureCapacity(batch);
        float[] input = inputs?.Invoke(random, batch * layer.InputSize) ?? Uniform(random, batch * layer.InputSize);
        float[] weights = Uniform(random, batch * layer.OutputSize);
        float[] output = new float[batch * layer.OutputSize];
        float[] inputGradient = new float[batch * layer.InputSize];

        beforeForward?.Invoke(layer);
        layer.Forward(input, output, batch, training: true);
        layer.Backward(input, output, weights, inputGradient, batch);

        double Objective()
        {
            beforeForward?.Invoke(layer);
            float[] probe = new float[output.Length];
            layer.Forward(input, probe, batch, training: true);
            double sum = 0;
            for (int i = 0; i < probe.Length; i++)
            {
                sum += (double)probe[i] * weights[i];
            }

            return sum;
        }

        Compare(layer.Describe() + " input", input, inputGradient, Objective, epsilon, random, probes);
        if (parameters.Length > 0)
        {
            Compare(layer.Describe() + " parameter", parameters, gradients, Objective, epsilon, random, probes);
        }
    }

    public static float[] Uniform(SeededRandom random, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.NextSingle(-1f, 1f);
        }

        return values;
    }

    /// <summary>Distinct values at least 0.05 apart, shuffled: no ties inside a max-pooling window.</summary>
    public static float[] Distinct(SeededRandom random, int length)
    {
        int[] order = new int[length];
        for (int i = 0; i < length; i++)
        {
            order[i] = i;
        }

        random.Shuffle(order);
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (order[i] * 0.05f) - (length * 0.025f);
        }

        return values;
    }

    /// <summary>Values with |x| ≥ 0.05: away from the ReLU kink.</summary>
    public static float[] AwayFromZero(SeededRandom random, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            float magnitude = 0.05f + (0.95f * random.NextSingle());
            values[i] = random.NextSingle() < 0.5f ? -magnitude : magnitude;
        }

        return values;
    }

    private static void Compare(string what, float[] values, float[] analytic, Func<double> objective, float epsilon, SeededRandom random, int probes)
    {
        int count = Math.Min(probes, values.Length);
        for (int p = 0; p < count; p++)
        {
            int index = values.Length <= probes ? p : random.NextInt32(values.Length);
            float original = values[index];
            values[index] = original + epsilon;
            double plus = objective();
            values[index] = original - epsilon;
            double minus = objective();
            values[index] = original;
            double numeric = (plus - minus) / (2 * epsilon);
            double tolerance = 5e-3 + (2e-2 * Math.Abs(numeric));
            Assert.True(
                Math.Abs(numeric - analytic[index]) <= tolerance,
                $"{what} {index}: numeric {numeric:G6}, analytic {analytic[index]:G6}");
        }
    }
}
