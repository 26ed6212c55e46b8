using Ppml.Learning.Layers;
using Ppml.Learning.Serialization;

namespace Ppml.Learning.Tests.Serialization;

/// <summary>The model format v1 is a contract: a file written by this build must stay byte-identical and loadable.</summary>
public sealed class ModelFormatGoldenTests
{
    private static string GoldenPath => Path.Combine(AppContext.BaseDirectory, "TestData", "model-v1-linear-2x3.bin");

    [Fact]
    public async Task Save_SmallModel_MatchesGoldenFile()
    {
        using var stream = new MemoryStream();
        await ModelSerializer.SaveAsync(CreateModel(), stream, TestContext.Current.CancellationToken);
        Assert.Equal(await File.ReadAllBytesAsync(GoldenPath, TestContext.Current.CancellationToken), stream.ToArray());
    }

    [Fact]
    public async Task Load_GoldenFile_RestoresParameters()
    {
        await using FileStream stream = File.OpenRead(GoldenPath);
        Sequential model = await ModelSerializer.LoadAsync(stream, CreateModel().Architecture, "golden", TestContext.Current.CancellationToken);
        Assert.Equal([0.5f, -1f, 0.25f, 2f, -0.125f, 1.5f, 0.1f, -0.2f, 0.3f], model.Parameters.ToArray());
        float[] output = model.Predict([1f, 2f]);
        Assert.Equal(0f, output[0]);
        Assert.Equal(4.05f, output[1], 1e-6f);
        Assert.Equal(3.175f, output[2], 1e-6f);
    }

    private static Sequential CreateModel()
    {
        var model = new Sequential([2], [new Linear(2, 3), new Relu()]);
        float[] parameters = [0.5f, -1f, 0.25f, 2f, -0.125f, 1.5f, 0.1f, -0.2f, 0.3f];
        parameters.CopyTo(model.Parameters.Span);
        return model;
    }
}
