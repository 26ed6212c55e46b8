using Ppml.Learning.Layers;
using Ppml.Learning.Losses;
using Ppml.Learning.Mnist;
using Ppml.Learning.Optimizers;
using Ppml.Learning.Tests.Training;
using Ppml.Learning.Training;

namespace Ppml.Learning.Tests;

public sealed class SequentialTests
{
    [Fact]
    public void Create_SameSeed_SameParameters_OtherSeed_Different()
    {
        Assert.Equal(LeNet5.Create(11).Parameters.ToArray(), LeNet5.Create(11).Parameters.ToArray());
        Assert.NotEqual(LeNet5.Create(11).Parameters.ToArray(), LeNet5.Create(12).Parameters.ToArray());
    }

    [Fact]
    public void LeNet5_HasBigDlShapesAndOneFlatParameterBuffer()
    {
        Sequential model = LeNet5.Create(1);
        Assert.Equal((6 * 25) + 6 + (12 * 150) + 12 + (192 * 100) + 100 + (100 * 10) + 10, model.ParameterCount);
        Assert.Equal(model.ParameterCount, model.Gradients.Length);
        Assert.Equal([28, 28], model.InputShape);
        Assert.Equal([10], model.OutputShape);
        Assert.Equal(
            string.Join('\n',
                "Input(28x28)",
                "Normalize(mean=33.31842, std=78.56749)",
                "Reshape(1x28x28)",
                "Conv2d(in=1, out=6, kernel=5x5, stride=1x1, padding=0x0)",
                "Tanh",
                "MaxPool2d(kernel=2x2, stride=2x2)",
                "Conv2d(in=6, out=12, kernel=5x5, stride=1x1, padding=0x0)",
                "Tanh",
                "MaxPool2d(kernel=2x2, stride=2x2)",
                "Reshape(192)",
                "Linear(in=192, out=100)",
                "Tanh",
                "Linear(in=100, out=10)",
                "LogSoftmax"),
            model.Architecture);
    }

    [Fact]
    public void Constructor_IncompatibleShapes_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => new Sequential([3, 8, 8], [new Conv2d(2, 4, 3, 3)]));
        Assert.Contains("2xHxW", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Training_SameSeed_IsBitIdentical()
    {
        (MnistData train, MnistData test) = await LeNetTrainerTests.MnistAsync();
        MnistData subset = train.Take(1024);
        var options = new TrainingOptions { Epochs = 1, Seed = 123 };
        TrainingResult first = await LeNetTrainer.TrainAsync(subset, test.Take(500), options, cancellationToken: TestContext.Current.CancellationToken);
        TrainingResult second = await LeNetTrainer.TrainAsync(subset, test.Take(500), options, cancellationToken: TestContext.Current.CancellationToken);
        TrainingResult other = await LeNetTrainer.TrainAsync(subset, test.Take(500), new TrainingOptions { Epochs = 1, Seed = 124 }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(first.Model.Parameters.ToArray(), second.Model.Parameters.ToArray());
        Assert.Equal(first.Epochs[0].AverageLoss, second.Epochs[0].AverageLoss);
        Assert.Equal(first.Epochs[0].Top1, second.Epochs[0].Top1);
        Assert.NotEqual(first.Model.Parameters.ToArray(), other.Model.Parameters.ToArray());
    }

    [Fact]
    public void Train_ReluMlpWithAdamAndCrossEntropy_FitsXor()
    {
        var model = new Sequential([2], [new Linear(2, 16, InitializerKind.HeNormal), new Relu(), new Linear(16, 2, InitializerKind.XavierUniform)]);
        model.Initialize(4);
        model.EnsureCapacity(4);
        var loss = new CrossEntropyLoss();
        var optimizer = new Adam(0.05f);
        float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
        float[] targets = [0, 1, 1, 0];
        double last = double.NaN;
        for (int step = 0; step < 300; step++)
        {
            inputs.CopyTo(model.InputBuffer, 0);
            float[] output = model.Forward(4, training: true);
            last = loss.Forward(output, targets, 4, 2);
            loss.Backward(output, targets, model.OutputGradientBuffer, 4, 2);
            model.ZeroGradients();
            model.Backward(4);
            optimizer.Step(model.ParameterBuffer, model.GradientBuffer);
        }

        Assert.True(last < 0.05, $"loss {last}");
    }

    [Fact]
    public void Create_FromArchitectureText_EqualsLeNet5()
    {
        Sequential model = Sequential.Create(LeNet5.Architecture, 11);
        Assert.Equal(LeNet5.Architecture, model.Architecture);
        Assert.Equal(LeNet5.Create(11).Parameters.ToArray(), model.Parameters.ToArray());
    }

    [Fact]
    public void Create_BadText_ThrowsDomainException()
    {
        var exception = Assert.Throws<LearningFormatException>(() => Sequential.Create("Input(4)\nLinear(in=4, out=2)\nSoftmax", 1));
        Assert.Equal("architecture: architecture line 3: unknown layer 'Softmax'", exception.Message);
    }

    [Fact]
    public void Predict_WrongSampleSize_Throws()
    {
        Assert.Throws<ArgumentException>(() => LeNet5.Create(1).Predict(new float[10]));
    }
}
