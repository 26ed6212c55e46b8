namespace Ppml.Learning;

/// <summary>
/// The one domain exception of Ppml.Learning: an input (IDX file, model stream, image, ONNX model, downloaded
/// file) is malformed, truncated, inconsistent or of the wrong kind. The message is one line naming the input
/// and the problem; it never contains data values.
/// </summary>
public sealed class LearningFormatException : FormatException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public LearningFormatException()
        : base("The learning input is invalid.")
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">One line: the input, the rule, what was found.</param>
    public LearningFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">One line: the input, the rule, what was found.</param>
    /// <param name="innerException">The underlying failure (for example a gzip or ONNX Runtime error).</param>
    public LearningFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about <paramref name="inputName"/>.</summary>
    /// <param name="inputName">The file or stream name the problem is in.</param>
    /// <param name="problem">What is wrong, as a sentence fragment.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public LearningFormatException(string inputName, string problem, Exception? innerException)
        : base($"{inputName}: {problem}", innerException)
    {
        InputName = inputName;
    }

    /// <summary>The input the problem was found in, when known.</summary>
    public string? InputName { get; }

    internal static LearningFormatException For(string inputName, string problem) => new(inputName, problem, null);
}
