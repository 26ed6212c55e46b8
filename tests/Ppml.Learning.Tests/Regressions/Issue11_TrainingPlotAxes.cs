using System.Globalization;
using Ppml.Learning.Plotting;
using Ppml.Learning.Training;

namespace Ppml.Learning.Tests.Regressions;

/// <summary>
/// Issue 11 item 13: the training plot had unrounded ticks, a negative loss tick and one point per epoch. Now ticks are
/// round, the loss axis starts at 0, loss is plotted per step and accuracy per epoch, and the axes say their units.
/// </summary>
public sealed class Issue11_TrainingPlotAxes
{
    private static readonly double[] s_niceMantissas = [1, 2, 2.5, 5];

    [Fact]
    public void Layout_LossFallingTowardZero_LossTicksRoundAndNeverNegative()
    {
        // The ranges of the first report: per-epoch losses 0.35, 0.12, 0.08 gave ticks such as -0.006 and 0.0707.
        TrainingPlot.PlotLayout layout = TrainingPlot.Layout(Epochs(3), [2.31f, 0.9f, 0.35f, 0.12f, 0.2f, 0.08f]);

        Assert.All(layout.Loss.Ticks, tick => Assert.True(tick >= 0, $"loss tick {tick}"));
        Assert.Equal(0.0, layout.Loss.Ticks[0]);
        Assert.True(layout.Loss.Max >= 2.31);
        AssertRound(layout.Loss);
        AssertRound(layout.Accuracy);
        AssertRound(layout.Epoch);
    }

    [Fact]
    public void Layout_StepLosses_OnePointPerStepAndOneAccuracyPointPerEpoch()
    {
        float[] steps = Enumerable.Range(0, 15).Select(i => 2.3f / (i + 1)).ToArray();

        TrainingPlot.PlotLayout layout = TrainingPlot.Layout(Epochs(3), steps);

        Assert.Equal(15, layout.LossPoints.Count);
        Assert.Equal(0.2, layout.LossPoints[0].X, 1e-12);
        Assert.Equal(3.0, layout.LossPoints[^1].X, 1e-12);
        Assert.Equal([1.0, 2.0, 3.0], layout.AccuracyPoints.Select(p => p.X));
        Assert.Equal([94.88, 96.96, 97.9], layout.AccuracyPoints.Select(p => Math.Round(p.Y, 6)));
        Assert.Equal(0.0, layout.Epoch.Min);
        Assert.Equal(3.0, layout.Epoch.Max);
    }

    [Theory]
    [InlineData(0.0, 2.3026)]
    [InlineData(0.1234, 0.9876)]
    [InlineData(94.88, 97.9)]
    [InlineData(97.3, 97.3)]
    [InlineData(0.0, 0.0)]
    [InlineData(0.0, 1.0)]
    [InlineData(3.0, 1234567.0)]
    public void NiceAxis_AnyRange_CoversItWithAtMostSixRoundTicks(double min, double max)
    {
        TrainingPlot.Axis axis = TrainingPlot.NiceAxis(min, max, lowerBound: 0.0, upperBound: max <= 100 ? 100.0 : null);

        Assert.True(axis.Min <= min && axis.Max >= max, $"[{axis.Min}, {axis.Max}] does not cover [{min}, {max}]");
        Assert.InRange(axis.Ticks.Count, 2, TrainingPlot.MaxTicks);
        AssertRound(axis);
    }

    [Fact]
    public void NiceAxis_AccuracyOf100Percent_StopsAt100()
    {
        TrainingPlot.Axis axis = TrainingPlot.NiceAxis(100.0, 100.0, lowerBound: 0.0, upperBound: 100.0);

        Assert.Equal(100.0, axis.Max);
        Assert.True(axis.Min < 100.0);
        AssertRound(axis);
    }

    private static void AssertRound(TrainingPlot.Axis axis)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(axis.Step)));
        Assert.Contains(Math.Round(axis.Step / power, 9), s_niceMantissas);
        for (int i = 0; i < axis.Ticks.Count; i++)
        {
            double multiple = axis.Ticks[i] / axis.Step;
            Assert.True(Math.Abs(multiple - Math.Round(multiple)) < 1e-9, $"tick {axis.Ticks[i]} is not a multiple of {axis.Step}");
            Assert.Equal(axis.Ticks[i], double.Parse(axis.Labels[i], CultureInfo.InvariantCulture));
            Assert.True(axis.Labels[i].Length <= 8, $"label '{axis.Labels[i]}'");
        }
    }

    private static EpochResult[] Epochs(int count) =>
    [
        .. new[] { 9488, 9696, 9790 }.Take(count).Select((correct, i) =>
            new EpochResult(i + 1, 0.3 / (i + 1), new Accuracy(correct, 10000), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(1), 60000)),
    ];
}
