using System.Buffers.Binary;
using Ppml.Learning.Layers;
using Ppml.Learning.Onnx;
using Ppml.Learning.Tests.Layers;

namespace Ppml.Learning.Tests.Onnx;

public sealed class OnnxModelTests
{
    private const int In = 5;
    private const int Out = 3;
    private const int Batch = 4;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_HandWrittenLinearReluGraph_MatchesOurEngine(bool useGemm)
    {
        var random = new SeededRandom(21);
        float[] weights = GradientChecker.Uniform(random, Out * In); // [out, in], our Linear layout
        float[] bias = GradientChecker.Uniform(random, Out);
        float[] input = GradientChecker.Uniform(random, Batch * In);
        byte[] modelBytes = useGemm ? GemmReluModel(weights, bias) : MatMulAddReluModel(weights, bias);

        using OnnxModel onnx = await OnnxModel.LoadAsync(new MemoryStream(modelBytes), "linear-relu.onnx", TestContext.Current.CancellationToken);
        OnnxTensor result = onnx.Run(new OnnxTensor("X", input, [Batch, In]));

        var ours = new Sequential([In], [new Linear(In, Out), new Relu()]);
        weights.CopyTo(ours.Parameters.Span);
        bias.CopyTo(ours.Parameters.Span[(In * Out)..]);
        ours.EnsureCapacity(Batch);
        input.CopyTo(ours.InputBuffer, 0);
        float[] expected = ours.Forward(Batch, training: false)[..(Batch * Out)];

        Assert.Equal(["X"], onnx.InputNames);
        Assert.Equal(["Y"], onnx.OutputNames);
        Assert.Equal([Batch, Out], result.Shape);
        Assert.Contains(expected, v => v == 0f);
        Assert.Contains(expected, v => v > 0f);
        float[] actual = result.Data.ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-5f);
        }
    }

    [Fact]
    public void Load_GarbageBytes_ThrowsDomainException()
    {
        var exception = Assert.Throws<LearningFormatException>(() => OnnxModel.Load([0x08, 0x07, 0xFF, 0xFF, 0x12], "garbage.onnx"));
        Assert.StartsWith("garbage.onnx: ONNX Runtime cannot load it: ", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', exception.Message);
    }

    [Fact]
    public void Run_WrongInputShape_ThrowsDomainException()
    {
        using OnnxModel onnx = OnnxModel.Load(GemmReluModel(new float[Out * In], new float[Out]), "m.onnx");
        var exception = Assert.Throws<LearningFormatException>(() => onnx.Run(new OnnxTensor("X", new float[Batch * 2], [Batch, 2])));
        Assert.StartsWith("m.onnx: ONNX Runtime rejected the run: ", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>Y = Relu(X·Wᵀ + B) as MatMul(X, Wt) → Add(·, B) → Relu, W stored transposed as raw_data.</summary>
    private static byte[] MatMulAddReluModel(float[] weights, float[] bias)
    {
        float[] transposed = new float[In * Out];
        for (int o = 0; o < Out; o++)
        {
            for (int i = 0; i < In; i++)
            {
                transposed[(i * Out) + o] = weights[(o * In) + i];
            }
        }

        return Model(graph => graph
            .Message(1, node => node.String(1, "X").String(1, "Wt").String(2, "XW").String(3, "matmul").String(4, "MatMul"))
            .Message(1, node => node.String(1, "XW").String(1, "B").String(2, "Z").String(3, "add").String(4, "Add"))
            .Message(1, node => node.String(1, "Z").String(2, "Y").String(3, "relu").String(4, "Relu"))
            .String(2, "linear-relu")
            .Message(5, tensor => RawTensor(tensor, "Wt", [In, Out], transposed))
            .Message(5, tensor => FloatTensor(tensor, "B", [Out], bias)));
    }

    /// <summary>Y = Relu(Gemm(X, W, B, transB=1)), W in our [out, in] layout as packed float_data.</summary>
    private static byte[] GemmReluModel(float[] weights, float[] bias) =>
        Model(graph => graph
            .Message(1, node => node
                .String(1, "X").String(1, "W").String(1, "B").String(2, "Z").String(3, "gemm").String(4, "Gemm")
                .Message(5, attribute => attribute.String(1, "transB").Varint(3, 1).Varint(20, 2)))
            .Message(1, node => node.String(1, "Z").String(2, "Y").String(3, "relu").String(4, "Relu"))
            .String(2, "gemm-relu")
            .Message(5, tensor => FloatTensor(tensor, "W", [Out, In], weights))
            .Message(5, tensor => FloatTensor(tensor, "B", [Out], bias)));

    private static byte[] Model(Action<ProtobufWriter> graph)
    {
        ProtobufWriter writer = new ProtobufWriter()
            .Varint(1, 8)                     // ir_version
            .String(2, "ppml-tests")          // producer_name
            .Message(8, opset => opset.String(1, string.Empty).Varint(2, 13))
            .Message(7, g =>
            {
                graph(g);
                g.Message(11, value => ValueInfo(value, "X", In)); // input
                g.Message(12, value => ValueInfo(value, "Y", Out)); // output
            });
        return writer.ToArray();
    }

    private static void ValueInfo(ProtobufWriter value, string name, int features) => value
        .String(1, name)
        .Message(2, type => type.Message(1, tensor => tensor
            .Varint(1, 1) // FLOAT
            .Message(2, shape => shape
                .Message(1, dimension => dimension.String(2, "N"))
                .Message(1, dimension => dimension.Varint(1, features)))));

    private static void FloatTensor(ProtobufWriter tensor, string name, int[] dims, float[] values)
    {
        foreach (int dim in dims)
        {
            tensor.Varint(1, dim);
        }

        tensor.Varint(2, 1).PackedFloats(4, values).String(8, name);
    }

    private static void RawTensor(ProtobufWriter tensor, string name, int[] dims, float[] values)
    {
        foreach (int dim in dims)
        {
            tensor.Varint(1, dim);
        }

        byte[] raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        }

        tensor.Varint(2, 1).String(8, name).Bytes(9, raw);
    }
}
