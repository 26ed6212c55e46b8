using System.Globalization;
using Ppml.Learning.Training;

namespace Ppml.Learning.Plotting;

/// <summary>
/// Draws the per-epoch training loss and test top-1 accuracy as two line charts side by side in a PNG
/// (for <c>ppml train lenet --plot</c>). Self-contained: a 5×7 bitmap font and our own PNG encoder.
/// </summary>
public static class TrainingPlot
{
    private const int PanelWidth = 480;
    private const int Height = 360;
    private const int Margin = 56;

    private static readonly Rgb s_background = new(255, 255, 255);
    private static readonly Rgb s_axis = new(40, 40, 40);
    private static readonly Rgb s_grid = new(225, 225, 225);
    private static readonly Rgb s_loss = new(214, 39, 40);
    private static readonly Rgb s_accuracy = new(31, 119, 180);

    /// <summary>Renders the chart as PNG bytes.</summary>
    /// <param name="epochs">The per-epoch results, in order (at least one).</param>
    /// <returns>A 960×360 PNG image.</returns>
    public static byte[] RenderPng(IReadOnlyList<EpochResult> epochs)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        ArgumentOutOfRangeException.ThrowIfZero(epochs.Count);
        var canvas = new Canvas(2 * PanelWidth, Height, s_background);
        double[] losses = epochs.Select(e => e.AverageLoss).ToArray();
        double[] accuracies = epochs.Select(e => e.Top1.Value).ToArray();
        DrawPanel(canvas, 0, "TRAINING LOSS", losses, s_loss, "F3");
        DrawPanel(canvas, PanelWidth, "TOP-1 ACCURACY", accuracies, s_accuracy, "F4");
        return PngEncoder.Encode(canvas.Width, canvas.Height, canvas.Pixels);
    }

    /// <summary>Renders the chart and writes it to <paramref name="stream"/>.</summary>
    /// <param name="epochs">The per-epoch results, in order (at least one).</param>
    /// <param name="stream">Destination; left open.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the PNG is written.</returns>
    public static async Task WritePngAsync(IReadOnlyList<EpochResult> epochs, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] png = RenderPng(epochs);
        await stream.WriteAsync(png, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void DrawPanel(Canvas canvas, int left, string title, double[] values, Rgb color, string format)
    {
        int plotLeft = left + Margin + 16;
        int plotRight = left + PanelWidth - 24;
        int plotTop = 40;
        int plotBottom = Height - Margin;
        canvas.DrawText(left + ((PanelWidth - Canvas.TextWidth(title, 2)) / 2), 12, title, s_axis, 2);

        // A diverged run has NaN or infinite losses: plot the finite points only.
        double[] finite = values.Where(double.IsFinite).DefaultIfEmpty(0.0).ToArray();
        double min = finite.Min();
        double max = finite.Max();
        if (max - min < 1e-9)
        {
            min -= 0.5 * Math.Max(Math.Abs(min), 1e-3);
            max += 0.5 * Math.Max(Math.Abs(max), 1e-3);
        }

        double padding = (max - min) * 0.08;
        min -= padding;
        max += padding;

        const int ticks = 5;
        for (int t = 0; t <= ticks; t++)
        {
            int y = plotBottom - (int)Math.Round((double)t / ticks * (plotBottom - plotTop));
            canvas.DrawLine(plotLeft, y, plotRight, y, s_grid);
            string label = (min + ((max - min) * t / ticks)).ToString(format, CultureInfo.InvariantCulture);
            canvas.DrawText(plotLeft - Canvas.TextWidth(label) - 6, y - 3, label, s_axis);
        }

        canvas.DrawLine(plotLeft, plotTop, plotLeft, plotBottom, s_axis);
        canvas.DrawLine(plotLeft, plotBottom, plotRight, plotBottom, s_axis);

        int count = values.Length;
        int X(int index) => count == 1
            ? (plotLeft + plotRight) / 2
            : plotLeft + 12 + (int)Math.Round((double)index / (count - 1) * (plotRight - plotLeft - 24));
        int Y(double value) => plotBottom - (int)Math.Round(Math.Clamp((value - min) / (max - min), 0.0, 1.0) * (plotBottom - plotTop));

        int labelEvery = Math.Max(1, count / 10);
        for (int i = 0; i < count; i++)
        {
            int x = X(i);
            canvas.DrawLine(x, plotBottom, x, plotBottom + 4, s_axis);
            if (i % labelEvery == 0 || i == count - 1)
            {
                string epoch = (i + 1).ToString(CultureInfo.InvariantCulture);
                canvas.DrawText(x - (Canvas.TextWidth(epoch) / 2), plotBottom + 8, epoch, s_axis);
            }
        }

        canvas.DrawText(((plotLeft + plotRight) / 2) - (Canvas.TextWidth("EPOCH") / 2), plotBottom + 24, "EPOCH", s_axis);
        for (int i = 1; i < count; i++)
        {
            if (double.IsFinite(values[i - 1]) && double.IsFinite(values[i]))
            {
                canvas.DrawLine(X(i - 1), Y(values[i - 1]), X(i), Y(values[i]), color, thickness: 3);
            }
        }

        for (int i = 0; i < count; i++)
        {
            if (double.IsFinite(values[i]))
            {
                canvas.FillRectangle(X(i) - 4, Y(values[i]) - 4, 9, 9, color);
            }
        }
    }
}
