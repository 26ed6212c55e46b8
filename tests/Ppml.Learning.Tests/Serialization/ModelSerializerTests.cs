using Ppml.Learning.Layers;
using Ppml.Learning.Serialization;
using Ppml.Learning.Training;

namespace Ppml.Learning.Tests.Serialization;

public sealed class ModelSerializerTests
{
    [Fact]
    public async Task SaveLoad_LeNet_RoundTripsParametersAndPredictions()
    {
        Sequential model = LeNet5.Create(5);
        byte[] bytes = await SaveAsync(model);

        Sequential loaded = await ModelSerializer.LoadAsync(new MemoryStream(bytes), LeNet5.Architecture, "lenet.model", TestContext.Current.CancellationToken);

        Assert.Equal(model.Architecture, loaded.Architecture);
        Assert.Equal(model.Parameters.ToArray(), loaded.Parameters.ToArray());
        float[] image = Enumerable.Range(0, 784).Select(i => (float)(i * 37 % 256)).ToArray();
        Assert.Equal(model.Predict(image), loaded.Predict(image));
        Assert.Equal(bytes, await SaveAsync(loaded));
    }

    [Fact]
    public async Task SaveLoad_ModelWithState_RoundTripsBatchNormStatistics()
    {
        var model = new Sequential([3], [new Linear(3, 4), new BatchNorm(4), new Relu(), new Dropout(0.5f), new Linear(4, 2)]);
        model.Initialize(9);
        model.EnsureCapacity(8);
        var random = new SeededRandom(1);
        for (int i = 0; i < 24; i++)
        {
            model.InputBuffer[i] = random.NextSingle(-1f, 1f);
        }

        model.Forward(8, training: true);
        Assert.Contains(model.StateBuffer, v => v != 0f && v != 1f);

        Sequential loaded = await ModelSerializer.LoadAsync(new MemoryStream(await SaveAsync(model)), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(model.StateBuffer, loaded.StateBuffer);
        Assert.Equal(model.Predict([0.1f, 0.2f, 0.3f]), loaded.Predict([0.1f, 0.2f, 0.3f]));
    }

    [Fact]
    public async Task Load_AnyFlippedByte_IsRefused()
    {
        byte[] bytes = await SaveAsync(LeNet5.Create(1));
        var random = new SeededRandom(3);
        var positions = new List<int> { 0, 8, 10, 12, 16, 40, bytes.Length - 1 };
        for (int i = 0; i < 25; i++)
        {
            positions.Add(random.NextInt32(bytes.Length));
        }

        foreach (int position in positions)
        {
            byte[] tampered = (byte[])bytes.Clone();
            tampered[position] ^= (byte)(1 << random.NextInt32(8));
            var exception = await Assert.ThrowsAsync<LearningFormatException>(
                () => ModelSerializer.LoadAsync(new MemoryStream(tampered), LeNet5.Architecture, "tampered.model", TestContext.Current.CancellationToken));
            Assert.StartsWith("tampered.model: ", exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', exception.Message);
        }
    }

    [Fact]
    public async Task Load_TamperedParameter_ReportsChecksumMismatch()
    {
        byte[] bytes = await SaveAsync(LeNet5.Create(1));
        bytes[bytes.Length - 100] ^= 0x40;
        var exception = await Assert.ThrowsAsync<LearningFormatException>(
            () => ModelSerializer.LoadAsync(new MemoryStream(bytes), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("checksum", exception.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_EveryTruncation_IsRefused()
    {
        byte[] bytes = await SaveAsync(new Sequential([2], [new Linear(2, 3)]).Also(m => m.Initialize(1)));
        for (int length = 0; length < bytes.Length; length++)
        {
            var exception = await Assert.ThrowsAsync<LearningFormatException>(
                () => ModelSerializer.LoadAsync(new MemoryStream(bytes, 0, length), cancellationToken: TestContext.Current.CancellationToken));
            Assert.Contains("truncated", exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Load_TrailingBytes_IsRefused()
    {
        byte[] bytes = [.. await SaveAsync(LeNet5.Create(1)), 0];
        var exception = await Assert.ThrowsAsync<LearningFormatException>(
            () => ModelSerializer.LoadAsync(new MemoryStream(bytes), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("after the checksum", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_OtherArchitecture_IsRefusedWithTheDifferingLine()
    {
        var other = new Sequential([28, 28], [new Reshape(784), new Linear(784, 10), new LogSoftmax()]);
        other.Initialize(1);
        var exception = await Assert.ThrowsAsync<LearningFormatException>(
            () => ModelSerializer.LoadAsync(new MemoryStream(SaveAsync(other).GetAwaiter().GetResult()), LeNet5.Architecture, "mlp.model", TestContext.Current.CancellationToken));
        Assert.Equal("mlp.model: holds a model of another architecture: line 2 is 'Reshape(784)', expected 'Normalize(mean=33.31842, std=78.56749)'", exception.Message);
    }

    [Fact]
    public async Task Load_NotAModel_ReportsMagic()
    {
        var exception = await Assert.ThrowsAsync<LearningFormatException>(
            () => ModelSerializer.LoadAsync(new MemoryStream(new byte[64]), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("not a PPML model", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_FutureVersion_IsRefused()
    {
        byte[] bytes = await SaveAsync(LeNet5.Create(1));
        bytes[8] = 2;
        var exception = await Assert.ThrowsAsync<LearningFormatException>(
            () => ModelSerializer.LoadAsync(new MemoryStream(bytes), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("version 2", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_UnknownLayer_NamesTheLine()
    {
        byte[] bytes = await SaveAsync(LeNet5.Create(1));
        int index = IndexOf(bytes, "Tanh"u8);
        "Tanx"u8.CopyTo(bytes.AsSpan(index));
        var exception = await Assert.ThrowsAsync<LearningFormatException>(
            () => ModelSerializer.LoadAsync(new MemoryStream(bytes), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("model: architecture line 5: unknown layer 'Tanx'", exception.Message);
    }

    [Theory]
    [InlineData("Input(2)\nLinear(in=2, out=200000000)", "architecture needs 600000000 parameters")]
    [InlineData("Input(20000x20000)\nTanh", "architecture needs 0 parameters and 800000000 activations per sample")]
    [InlineData("Input(2)\nLinear(in=200000, out=200000)", "architecture line 2: layer Linear:")]
    [InlineData("Input(2)", "architecture has no layers")]
    [InlineData("Linear(in=2, out=3)", "architecture line 1 is not 'Input(shape)'")]
    [InlineData("Input(3)\nLinear(in=2, out=3)", "architecture is inconsistent: Linear(in=2, out=3) expects 2 input features")]
    public async Task Load_HostileArchitecture_IsRefusedBeforeAllocating(string architecture, string expected)
    {
        byte[] text = System.Text.Encoding.UTF8.GetBytes(architecture);
        byte[] bytes = new byte[16 + text.Length + 8];
        "PPMLMODL"u8.CopyTo(bytes);
        bytes[8] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), text.Length);
        text.CopyTo(bytes, 16);
        var exception = await Assert.ThrowsAsync<LearningFormatException>(
            () => ModelSerializer.LoadAsync(new MemoryStream(bytes), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', exception.Message);
    }

    private static async Task<byte[]> SaveAsync(Sequential model)
    {
        using var stream = new MemoryStream();
        await ModelSerializer.SaveAsync(model, stream, TestContext.Current.CancellationToken);
        return stream.ToArray();
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}

internal static class FluentExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
