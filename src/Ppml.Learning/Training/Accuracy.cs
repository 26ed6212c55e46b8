using System.Globalization;

namespace Ppml.Learning.Training;

/// <summary>Top-1 accuracy: <see cref="Correct"/> of <see cref="Count"/> predictions were right.</summary>
/// <param name="Correct">Correct predictions.</param>
/// <param name="Count">All predictions.</param>
public readonly record struct Accuracy(int Correct, int Count)
{
    /// <summary>Correct / Count (0 when Count is 0).</summary>
    public double Value => Count == 0 ? 0.0 : (double)Correct / Count;

    /// <summary>BigDL's form: <c>Accuracy(correct: 9696, count: 10000, accuracy: 0.9696)</c>.</summary>
    /// <returns>The formatted accuracy.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Accuracy(correct: {Correct}, count: {Count}, accuracy: {Value:R})");

    /// <summary>BigDL's validation line: <c>Top1Accuracy is Accuracy(correct: C, count: N, accuracy: A)</c>.</summary>
    /// <returns>The line, without a trailing newline.</returns>
    public string ToTop1Line() => "Top1Accuracy is " + ToString();
}
