using Ppml.Learning.Layers;

namespace Ppml.Learning.Tests.Layers;

public sealed class LayerTests
{
    public static TheoryData<string> GradientCases => new()
    {
        "Linear",
        "Conv2d",
        "Conv2d strided padded",
        "Conv2d many chunks",
        "MaxPool2d",
        "MaxPool2d overlapping odd",
        "AvgPool2d",
        "ReLU",
        "Tanh",
        "Sigmoid",
        "Dropout",
        "BatchNorm 1d",
        "BatchNorm 2d",
        "Reshape",
        "LogSoftmax",
        "Normalize",
    };

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void Backward_FiniteDifferences_MatchAnalyticGradients(string name)
    {
        switch (name)
        {
            case "Linear":
                GradientChecker.Check(new Linear(7, 5), [7], 3, 1);
                break;
            case "Conv2d":
                GradientChecker.Check(new Conv2d(2, 3, 3, 3), [2, 6, 5], 2, 2);
                break;
            case "Conv2d strided padded":
                GradientChecker.Check(new Conv2d(3, 2, 3, 2, 2, 3, 1, 2), [3, 7, 8], 2, 3);
                break;
            case "Conv2d many chunks":
                GradientChecker.Check(new Conv2d(1, 2, 2, 2), [1, 4, 4], 37, 4, probes: 60);
                break;
            case "MaxPool2d":
                GradientChecker.Check(new MaxPool2d(2, 2, 2, 2), [2, 6, 6], 2, 5, GradientChecker.Distinct);
                break;
            case "MaxPool2d overlapping odd":
                GradientChecker.Check(new MaxPool2d(3, 2, 2, 1), [2, 7, 5], 19, 6, GradientChecker.Distinct, epsilon: 5e-3f);
                break;
            case "AvgPool2d":
                GradientChecker.Check(new AvgPool2d(3, 2, 2, 2), [2, 7, 6], 2, 7);
                break;
            case "ReLU":
                GradientChecker.Check(new Relu(), [3, 4], 2, 8, GradientChecker.AwayFromZero);
                break;
            case "Tanh":
                GradientChecker.Check(new Tanh(), [11], 3, 9);
                break;
            case "Sigmoid":
                GradientChecker.Check(new Sigmoid(), [11], 3, 10);
                break;
            case "Dropout":
                GradientChecker.Check(new Dropout(0.3f), [20], 3, 11, beforeForward: layer => layer.Initialize(new SeededRandom(99)));
                break;
            case "BatchNorm 1d":
                GradientChecker.Check(new BatchNorm(4), [4], 6, 12, epsilon: 5e-3f);
                break;
            case "BatchNorm 2d":
                GradientChecker.Check(new BatchNorm(2, 1e-5f, 0.1f), [2, 3, 3], 3, 13, epsilon: 5e-3f);
                break;
            case "Reshape":
                GradientChecker.Check(new Reshape(6, 2), [3, 4], 2, 14);
                break;
            case "LogSoftmax":
                GradientChecker.Check(new LogSoftmax(), [10], 4, 15);
                break;
            case "Normalize":
                GradientChecker.Check(new Normalize(0.3f, 2.5f), [9], 2, 16);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown case.");
        }
    }

    [Fact]
    public void Dropout_Inference_IsIdentityAndTrainingDropsAboutP()
    {
        var dropout = new Dropout(0.25f);
        dropout.Build([1000]);
        dropout.Initialize(new SeededRandom(3));
        float[] input = Enumerable.Repeat(1f, 1000).ToArray();
        float[] output = new float[1000];
        dropout.Forward(input, output, 1, training: false);
        Assert.Equal(input, output);
        dropout.Forward(input, output, 1, training: true);
        int dropped = output.Count(v => v == 0f);
        Assert.InRange(dropped, 200, 300);
        Assert.All(output.Where(v => v != 0f), v => Assert.Equal(1f / 0.75f, v, 1e-6f));
    }

    [Fact]
    public void BatchNorm_Inference_UsesRunningStatistics()
    {
        var layer = new BatchNorm(1, 1e-5f, 1f);
        layer.Build([1]);
        float[] parameters = new float[2];
        float[] state = new float[2];
        layer.Bind(parameters, new float[2], 0);
        layer.BindState(state, 0);
        layer.Initialize(new SeededRandom(1));
        float[] output = new float[4];
        layer.Forward([1f, 2f, 3f, 4f], output, 4, training: true);
        Assert.Equal(2.5f, state[0], 1e-6f);
        Assert.Equal(5f / 3f, state[1], 1e-5f);
        layer.Forward([2.5f], output, 1, training: false);
        Assert.Equal(0f, output[0], 1e-6f);
    }

    [Fact]
    public void LogSoftmax_Forward_RowsExponentiateToOne()
    {
        var layer = new LogSoftmax();
        layer.Build([5]);
        layer.EnsureCapacity(2);
        float[] output = new float[10];
        layer.Forward([1f, 2f, 3f, 4f, 100f, -3f, 0f, 0f, 0f, 0f], output, 2, training: false);
        Assert.Equal(1.0, output.Take(5).Sum(v => Math.Exp(v)), 1e-5);
        Assert.Equal(1.0, output.Skip(5).Sum(v => Math.Exp(v)), 1e-5);
        Assert.Equal(0f, output[4], 1e-4f);
    }

    [Theory]
    [InlineData("Linear(in=192, out=100)")]
    [InlineData("Conv2d(in=1, out=6, kernel=5x5, stride=1x1, padding=0x0)")]
    [InlineData("Conv2d(in=3, out=2, kernel=3x2, stride=2x3, padding=1x2)")]
    [InlineData("MaxPool2d(kernel=2x2, stride=2x2)")]
    [InlineData("AvgPool2d(kernel=3x3, stride=1x1)")]
    [InlineData("BatchNorm(features=6, eps=1E-05, momentum=0.1)")]
    [InlineData("Dropout(p=0.5)")]
    [InlineData("Normalize(mean=33.318424, std=78.56749)")]
    [InlineData("Reshape(1x28x28)")]
    [InlineData("Tanh")]
    [InlineData("ReLU")]
    [InlineData("Sigmoid")]
    [InlineData("LogSoftmax")]
    public void Parse_Description_RoundTrips(string description)
    {
        Assert.Equal(description, LayerFactory.Parse(description).Describe());
    }

    [Theory]
    [InlineData("Linear(in=192)")]
    [InlineData("Linear(in=192, out=100, extra=1)")]
    [InlineData("Linear(in=-1, out=100)")]
    [InlineData("Linear(in=0, out=100)")]
    [InlineData("Conv2d(in=1, out=6, kernel=5, stride=1x1, padding=0x0)")]
    [InlineData("Tanh()")]
    [InlineData("Softmax")]
    [InlineData("Reshape(1x0)")]
    [InlineData("Dropout(p=1)")]
    [InlineData("Linear(in=1, out=2")]
    public void Parse_InvalidDescription_ThrowsFormatException(string description)
    {
        Assert.Throws<FormatException>(() => LayerFactory.Parse(description));
    }
}
