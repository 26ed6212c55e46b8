using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ppml.Learning.Onnx;

/// <summary>
/// An imported ONNX model run by ONNX Runtime (CPU). The model is loaded from bytes in memory, never from a
/// path, so a model decrypted inside the TEE never touches the disk in plaintext.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    /// <summary>Largest model accepted from a stream (ONNX's protobuf limit is 2 GiB).</summary>
    public const int MaxModelBytes = int.MaxValue - 64;

    private readonly InferenceSession _session;
    private readonly string _name;

    private OnnxModel(InferenceSession session, string name)
    {
        _session = session;
        _name = name;
        InputNames = [.. session.InputNames];
        OutputNames = [.. session.OutputNames];
    }

    /// <summary>The graph's input names, in order.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>The graph's output names, in order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Loads a model from its serialized ModelProto bytes.</summary>
    /// <param name="modelBytes">The .onnx content (for example decrypted in memory).</param>
    /// <param name="inputName">Name used in error messages.</param>
    /// <returns>The model; dispose it.</returns>
    /// <exception cref="LearningFormatException">ONNX Runtime rejects the bytes.</exception>
    public static OnnxModel Load(byte[] modelBytes, string inputName = "onnx model")
    {
        ArgumentNullException.ThrowIfNull(modelBytes);
        ArgumentException.ThrowIfNullOrEmpty(inputName);
        try
        {
            using var options = new SessionOptions { ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
            return new OnnxModel(new InferenceSession(modelBytes, options), inputName);
        }
        catch (OnnxRuntimeException exception)
        {
            throw new LearningFormatException(inputName, "ONNX Runtime cannot load it: " + FirstLine(exception.Message), exception);
        }
    }

    /// <summary>Reads the whole stream into memory and loads it (see <see cref="Load"/>).</summary>
    /// <param name="stream">The model stream (for example a decrypting stream).</param>
    /// <param name="inputName">Name used in error messages.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The model; dispose it.</returns>
    /// <exception cref="LearningFormatException">The stream is too large or not a model ONNX Runtime accepts.</exception>
    public static async Task<OnnxModel> LoadAsync(Stream stream, string inputName = "onnx model", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxModelBytes)
            {
                throw LearningFormatException.For(inputName, $"is larger than {MaxModelBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return Load(buffer.ToArray(), inputName);
    }

    /// <summary>Runs a graph with one input and returns its first output.</summary>
    /// <param name="input">The input tensor; its name must be the graph's input name.</param>
    /// <returns>The first output.</returns>
    /// <exception cref="LearningFormatException">ONNX Runtime rejects the input (wrong name, type or shape).</exception>
    public OnnxTensor Run(OnnxTensor input) => Run([input])[0];

    /// <summary>Runs the graph on float32 inputs and returns every output (which must be float32).</summary>
    /// <param name="inputs">One tensor per graph input.</param>
    /// <returns>One tensor per graph output, in <see cref="OutputNames"/> order.</returns>
    /// <exception cref="LearningFormatException">ONNX Runtime rejects the inputs, or an output is not float32.</exception>
    public IReadOnlyList<OnnxTensor> Run(IReadOnlyList<OnnxTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var values = new List<OrtValue>(inputs.Count);
        try
        {
            foreach (OnnxTensor input in inputs)
            {
                long[] shape = input.Shape.Select(d => (long)d).ToArray();
                long expected = shape.Aggregate(1L, (product, dimension) => product * dimension);
                if (expected != input.Data.Length)
                {
                    throw new ArgumentException($"Input '{input.Name}' has {input.Data.Length} values but its shape [{string.Join(", ", input.Shape)}] needs {expected}.", nameof(inputs));
                }

                values.Add(OrtValue.CreateTensorValueFromMemory(input.Data.ToArray(), shape));
            }

            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(
                runOptions, inputs.Select(i => i.Name).ToArray(), values, [.. OutputNames]);
            var results = new List<OnnxTensor>(outputs.Count);
            for (int i = 0; i < outputs.Count; i++)
            {
                OrtTensorTypeAndShapeInfo info = outputs[i].GetTensorTypeAndShape();
                if (info.ElementDataType != TensorElementType.Float)
                {
                    throw LearningFormatException.For(_name, $"output '{OutputNames[i]}' is {info.ElementDataType}, only float32 outputs are supported");
                }

                results.Add(new OnnxTensor(
                    OutputNames[i],
                    outputs[i].GetTensorDataAsSpan<float>().ToArray(),
                    info.Shape.Select(d => checked((int)d)).ToArray()));
            }

            return results;
        }
        catch (OnnxRuntimeException exception)
        {
            throw new LearningFormatException(_name, "ONNX Runtime rejected the run: " + FirstLine(exception.Message), exception);
        }
        finally
        {
            foreach (OrtValue value in values)
            {
                value.Dispose();
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
