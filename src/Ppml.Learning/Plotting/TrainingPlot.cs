using System.Globalization;
using Ppml.Learning.Training;

namespace Ppml.Learning.Plotting;

/// <summary>
/// Draws a training run as two line charts side by side in a PNG (for <c>ppml train lenet --plot</c>): the training
/// loss of every step (batch) and the test top-1 accuracy after every epoch, both against the epoch on the x axis.
/// Axes carry round ("nice") ticks — 1, 2, 2.5 or 5 times a power of ten — and their units; the loss axis starts at 0
/// (a negative log-likelihood is never negative). Self-contained: a 5×7 bitmap font and our own PNG encoder.
/// </summary>
public static class TrainingPlot
{
    /// <summary>Most ticks on an axis.</summary>
    internal const int MaxTicks = 6;

    private const int PanelWidth = 480;
    private const int Height = 360;
    private const int PlotLeftInset = 78;
    private const int PlotRightInset = 24;
    private const int PlotTop = 40;
    private const int PlotBottom = Height - 56;

    private static readonly double[] s_mantissas = [1, 2, 2.5, 5];
    private static readonly Rgb s_background = new(255, 255, 255);
    private static readonly Rgb s_axis = new(40, 40, 40);
    private static readonly Rgb s_grid = new(225, 225, 225);
    private static readonly Rgb s_loss = new(214, 39, 40);
    private static readonly Rgb s_accuracy = new(31, 119, 180);

    /// <summary>Renders the per-epoch results as PNG bytes (the loss panel shows each epoch's mean loss).</summary>
    /// <param name="epochs">The per-epoch results, in order (at least one).</param>
    /// <returns>A 960×360 PNG image.</returns>
    public static byte[] RenderPng(IReadOnlyList<EpochResult> epochs) => RenderPng(epochs, []);

    /// <summary>Renders the loss of every step and the accuracy of every epoch as PNG bytes.</summary>
    /// <param name="epochs">The per-epoch results, in order (at least one).</param>
    /// <param name="stepLosses">
    /// The loss of every training step (see <see cref="TrainingResult.StepLosses"/>), the same number in every epoch;
    /// empty to plot each epoch's mean loss instead.
    /// </param>
    /// <returns>A 960×360 PNG image.</returns>
    /// <exception cref="ArgumentException">The step losses do not divide evenly into the epochs.</exception>
    public static byte[] RenderPng(IReadOnlyList<EpochResult> epochs, IReadOnlyList<float> stepLosses)
    {
        PlotLayout layout = Layout(epochs, stepLosses);
        var canvas = new Canvas(2 * PanelWidth, Height, s_background);
        DrawPanel(canvas, 0, stepLosses.Count > 0 ? "TRAINING LOSS PER STEP" : "TRAINING LOSS PER EPOCH", "LOSS (NLL, NATS)", layout.Epoch, layout.Loss, layout.LossPoints, s_loss, thickness: 1, markers: layout.LossPoints.Count <= 50);
        DrawPanel(canvas, PanelWidth, "TOP-1 TEST ACCURACY PER EPOCH", "ACCURACY (%)", layout.Epoch, layout.Accuracy, layout.AccuracyPoints, s_accuracy, thickness: 3, markers: true);
        return PngEncoder.Encode(canvas.Width, canvas.Height, canvas.Pixels);
    }

    /// <summary>Renders the per-epoch results and writes the PNG to <paramref name="stream"/>.</summary>
    /// <param name="epochs">The per-epoch results, in order (at least one).</param>
    /// <param name="stream">Destination; left open.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the PNG is written.</returns>
    public static Task WritePngAsync(IReadOnlyList<EpochResult> epochs, Stream stream, CancellationToken cancellationToken = default) =>
        WritePngAsync(epochs, [], stream, cancellationToken);

    /// <summary>Renders the loss of every step and the accuracy of every epoch and writes the PNG to <paramref name="stream"/>.</summary>
    /// <param name="epochs">The per-epoch results, in order (at least one).</param>
    /// <param name="stepLosses">The loss of every training step; empty to plot each epoch's mean loss.</param>
    /// <param name="stream">Destination; left open.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the PNG is written.</returns>
    public static async Task WritePngAsync(IReadOnlyList<EpochResult> epochs, IReadOnlyList<float> stepLosses, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] png = RenderPng(epochs, stepLosses);
        await stream.WriteAsync(png, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The axes and the points (x in epochs) of both panels.</summary>
    internal static PlotLayout Layout(IReadOnlyList<EpochResult> epochs, IReadOnlyList<float> stepLosses)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        ArgumentNullException.ThrowIfNull(stepLosses);
        ArgumentOutOfRangeException.ThrowIfZero(epochs.Count);
        if (stepLosses.Count % epochs.Count != 0)
        {
            throw new ArgumentException($"{stepLosses.Count} step losses do not divide evenly into {epochs.Count} epochs.", nameof(stepLosses));
        }

        // Step i (0-based) ends at epoch (i + 1) / stepsPerEpoch; an epoch's mean loss sits in the middle of the epoch.
        int stepsPerEpoch = stepLosses.Count / epochs.Count;
        (double X, double Y)[] lossPoints = stepsPerEpoch > 0
            ? stepLosses.Select((loss, i) => ((double)(i + 1) / stepsPerEpoch, (double)loss)).ToArray()
            : epochs.Select(e => (e.Epoch - 0.5, e.AverageLoss)).ToArray();
        (double X, double Y)[] accuracyPoints = epochs.Select(e => ((double)e.Epoch, 100.0 * e.Top1.Value)).ToArray();

        // A diverged run has NaN or infinite losses: scale to the finite points only.
        double maxLoss = lossPoints.Select(p => p.Y).Where(double.IsFinite).DefaultIfEmpty(0.0).Max();
        Axis loss = NiceAxis(0.0, Math.Max(maxLoss, 0.0), lowerBound: 0.0);
        double minAccuracy = accuracyPoints.Min(p => p.Y);
        double maxAccuracy = accuracyPoints.Max(p => p.Y);
        Axis accuracy = NiceAxis(minAccuracy, maxAccuracy, lowerBound: 0.0, upperBound: 100.0);
        Axis epoch = NiceAxis(0.0, epochs[^1].Epoch, lowerBound: 0.0);
        return new PlotLayout(epoch, loss, accuracy, lossPoints, accuracyPoints);
    }

    /// <summary>
    /// A round axis covering [<paramref name="min"/>, <paramref name="max"/>]: the smallest step of 1, 2, 2.5 or 5 times a
    /// power of ten that needs at most <see cref="MaxTicks"/> ticks, with both ends on a tick, kept within the bounds.
    /// </summary>
    internal static Axis NiceAxis(double min, double max, double? lowerBound = null, double? upperBound = null)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), $"The range [{min}, {max}] is not a finite interval.");
        }

        if (max - min < 1e-9 * Math.Max(1.0, Math.Abs(max)))
        {
            // One value (one epoch, or a flat curve): show it inside a small round interval.
            double half = Math.Max(Math.Abs(max) * 0.01, 0.5);
            (min, max) = (min - half, max + half);
            if (lowerBound is { } low && min < low)
            {
                (min, max) = (low, Math.Max(max, low + (2 * half)));
            }

            if (upperBound is { } high && max > high)
            {
                (min, max) = (Math.Min(min, high - (2 * half)), high);
            }
        }

        int exponent = (int)Math.Floor(Math.Log10((max - min) / (MaxTicks - 1)));
        for (int power = exponent - 1; ; power++)
        {
            foreach (double mantissa in s_mantissas)
            {
                double step = mantissa * Math.Pow(10, power);
                double first = Math.Floor((min / step) + 1e-9) * step;
                double last = Math.Ceiling((max / step) - 1e-9) * step;
                first = lowerBound is { } lower ? Math.Max(first, lower) : first;
                last = upperBound is { } upper ? Math.Min(last, upper) : last;
                int intervals = (int)Math.Round((last - first) / step);
                if (intervals + 1 > MaxTicks)
                {
                    continue;
                }

                int decimals = Math.Max(0, -power + (mantissa == 2.5 ? 1 : 0));
                double[] ticks = new double[intervals + 1];
                string[] labels = new string[ticks.Length];
                for (int i = 0; i < ticks.Length; i++)
                {
                    // Round away the binary fuzz of i·step so a label and its tick agree exactly.
                    ticks[i] = Math.Round(first + (i * step), decimals + 1);
                    labels[i] = ticks[i].ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                }

                return new Axis(ticks[0], ticks[^1], step, ticks, labels);
            }
        }
    }

    private static void DrawPanel(
        Canvas canvas, int left, string title, string yLabel, Axis xAxis, Axis yAxis, IReadOnlyList<(double X, double Y)> points, Rgb color, int thickness, bool markers)
    {
        int plotLeft = left + PlotLeftInset;
        int plotRight = left + PanelWidth - PlotRightInset;
        canvas.DrawText(left + ((PanelWidth - Canvas.TextWidth(title, 2)) / 2), 12, title, s_axis, 2);

        int X(double value) => plotLeft + (int)Math.Round((value - xAxis.Min) / (xAxis.Max - xAxis.Min) * (plotRight - plotLeft));
        int Y(double value) => PlotBottom - (int)Math.Round(Math.Clamp((value - yAxis.Min) / (yAxis.Max - yAxis.Min), 0.0, 1.0) * (PlotBottom - PlotTop));

        int widest = 0;
        for (int i = 0; i < yAxis.Ticks.Count; i++)
        {
            int y = Y(yAxis.Ticks[i]);
            canvas.DrawLine(plotLeft, y, plotRight, y, s_grid);
            canvas.DrawLine(plotLeft - 4, y, plotLeft, y, s_axis);
            canvas.DrawText(plotLeft - Canvas.TextWidth(yAxis.Labels[i]) - 7, y - 3, yAxis.Labels[i], s_axis);
            widest = Math.Max(widest, Canvas.TextWidth(yAxis.Labels[i]));
        }

        canvas.DrawVerticalText(plotLeft - widest - 20, ((PlotTop + PlotBottom) / 2) + (Canvas.TextWidth(yLabel) / 2), yLabel, s_axis);
        for (int i = 0; i < xAxis.Ticks.Count; i++)
        {
            int x = X(xAxis.Ticks[i]);
            canvas.DrawLine(x, PlotBottom, x, PlotBottom + 4, s_axis);
            canvas.DrawText(x - (Canvas.TextWidth(xAxis.Labels[i]) / 2), PlotBottom + 8, xAxis.Labels[i], s_axis);
        }

        canvas.DrawText(((plotLeft + plotRight) / 2) - (Canvas.TextWidth("EPOCH") / 2), PlotBottom + 24, "EPOCH", s_axis);
        canvas.DrawLine(plotLeft, PlotTop, plotLeft, PlotBottom, s_axis);
        canvas.DrawLine(plotLeft, PlotBottom, plotRight, PlotBottom, s_axis);

        for (int i = 1; i < points.Count; i++)
        {
            if (double.IsFinite(points[i - 1].Y) && double.IsFinite(points[i].Y))
            {
                canvas.DrawLine(X(points[i - 1].X), Y(points[i - 1].Y), X(points[i].X), Y(points[i].Y), color, thickness);
            }
        }

        if (markers)
        {
            foreach ((double x, double y) in points.Where(p => double.IsFinite(p.Y)))
            {
                canvas.FillRectangle(X(x) - 4, Y(y) - 4, 9, 9, color);
            }
        }
    }

    /// <summary>One axis: its ends (the first and last tick), the step between ticks, and each tick's label.</summary>
    internal sealed record Axis(double Min, double Max, double Step, IReadOnlyList<double> Ticks, IReadOnlyList<string> Labels);

    /// <summary>The shared epoch axis, the loss and accuracy axes, and the points of each panel.</summary>
    internal sealed record PlotLayout(
        Axis Epoch, Axis Loss, Axis Accuracy, IReadOnlyList<(double X, double Y)> LossPoints, IReadOnlyList<(double X, double Y)> AccuracyPoints);
}
