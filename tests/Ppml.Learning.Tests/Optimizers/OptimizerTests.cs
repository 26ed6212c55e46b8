using Ppml.Learning.Optimizers;

namespace Ppml.Learning.Tests.Optimizers;

public sealed class OptimizerTests
{
    [Fact]
    public void Sgd_MomentumAndWeightDecay_MatchHandComputation()
    {
        var sgd = new Sgd(0.1f, momentum: 0.9f, weightDecay: 0.01f);
        float[] w = [1f, -2f];
        sgd.Step(w, [0.5f, 0.5f]);
        // v1 = g + wd·w = [0.51, 0.48]; w = w − 0.1·v1
        Assert.Equal(1f - 0.051f, w[0], 1e-6f);
        Assert.Equal(-2f - 0.048f, w[1], 1e-6f);
        sgd.Step(w, [0.5f, 0.5f]);
        float v0 = (0.9f * 0.51f) + 0.5f + (0.01f * 0.949f);
        Assert.Equal(0.949f - (0.1f * v0), w[0], 1e-6f);
    }

    [Fact]
    public void Sgd_VectorAndScalarTailsAgree()
    {
        const int length = 37;
        var sgd = new Sgd(0.05f, momentum: 0.5f, nesterov: true);
        float[] w = Enumerable.Range(0, length).Select(i => i * 0.1f).ToArray();
        float[] g = Enumerable.Range(0, length).Select(i => 1f).ToArray();
        sgd.Step(w, g);
        sgd.Step(w, g);
        // Every element gets the same update: (g + μ·v1) then (g + μ·(μ·v1 + g)).
        float delta = (0.05f * (1f + 0.5f)) + (0.05f * (1f + (0.5f * 1.5f)));
        for (int i = 0; i < length; i++)
        {
            Assert.Equal((i * 0.1f) - delta, w[i], 1e-5f);
        }
    }

    [Fact]
    public void Adam_FirstStep_MovesByLearningRate()
    {
        var adam = new Adam(0.01f);
        float[] w = [1f, 1f];
        adam.Step(w, [3f, -0.001f]);
        Assert.Equal(0.99f, w[0], 1e-5f);
        Assert.Equal(1.01f, w[1], 1e-4f);
    }

    [Fact]
    public void Schedules_ComputeBigDlAndStepRates()
    {
        Assert.Equal(0.05f / (1f + (10 * 0.1f)), LearningRateSchedule.InverseDecay(0.1f).Rate(0.05f, 10, 0), 1e-7f);
        Assert.Equal(0.25f, LearningRateSchedule.Step(2, 0.5f).Rate(1f, 0, 5), 1e-7f);
        Assert.Equal(0.125f, LearningRateSchedule.Exponential(0.5f).Rate(1f, 0, 3), 1e-7f);
        Assert.Equal(0.3f, LearningRateSchedule.Constant.Rate(0.3f, 1000, 9));
    }

    [Fact]
    public void Step_UsesScheduleAndCountsIterations()
    {
        var sgd = new Sgd(1f, schedule: LearningRateSchedule.InverseDecay(1f));
        float[] w = [0f];
        sgd.Step(w, [1f]);
        sgd.Step(w, [1f]);
        Assert.Equal(-1.5f, w[0], 1e-6f);
        Assert.Equal(2, sgd.Iteration);
    }
}
