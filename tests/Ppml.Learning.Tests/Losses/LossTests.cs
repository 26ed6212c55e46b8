using Ppml.Learning.Losses;
using Ppml.Learning.Tests.Layers;

namespace Ppml.Learning.Tests.Losses;

public sealed class LossTests
{
    public static TheoryData<string> Losses => new() { "ClassNll", "CrossEntropy", "Mse" };

    [Theory]
    [MemberData(nameof(Losses))]
    public void Backward_FiniteDifferences_MatchAnalyticGradients(string name)
    {
        Loss loss = Create(name);
        var random = new SeededRandom(77);
        const int batch = 4, size = 6;
        float[] prediction = GradientChecker.Uniform(random, batch * size);
        float[] target = loss.TargetSize(size) == 1
            ? Enumerable.Range(0, batch).Select(_ => (float)random.NextInt32(size)).ToArray()
            : GradientChecker.Uniform(random, batch * size);
        float[] gradient = new float[prediction.Length];
        loss.Backward(prediction, target, gradient, batch, size);
        const float epsilon = 1e-2f;
        for (int i = 0; i < prediction.Length; i++)
        {
            float original = prediction[i];
            prediction[i] = original + epsilon;
            double plus = loss.Forward(prediction, target, batch, size);
            prediction[i] = original - epsilon;
            double minus = loss.Forward(prediction, target, batch, size);
            prediction[i] = original;
            double numeric = (plus - minus) / (2 * epsilon);
            Assert.True(Math.Abs(numeric - gradient[i]) < 1e-3 + (1e-2 * Math.Abs(numeric)), $"{name} {i}: numeric {numeric}, analytic {gradient[i]}");
        }
    }

    [Fact]
    public void Forward_KnownValues()
    {
        Assert.Equal(0.5, new ClassNllLoss().Forward([-0.25f, -1f, -2f, -0.75f], [0f, 1f], 2, 2), 6);
        Assert.Equal(Math.Log(2), new CrossEntropyLoss().Forward([3f, 3f], [1f], 1, 2), 6);
        Assert.Equal(2.5, new MseLoss().Forward([1f, 2f], [0f, 4f], 1, 2), 6);
    }

    [Fact]
    public void Forward_LabelOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassNllLoss().Forward([0f, 0f], [2f], 1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss().Forward([0f, 0f], [0.5f], 1, 2));
    }

    private static Loss Create(string name) => name switch
    {
        "ClassNll" => new ClassNllLoss(),
        "CrossEntropy" => new CrossEntropyLoss(),
        "Mse" => new MseLoss(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
