using System.IO.Compression;
using Ppml.Crypto.Container;
using Ppml.Testing;

namespace Ppml.Cli.Tests.Handlers;

public class LearningHandlerTests : IClassFixture<InitializedWorkspace>
{
    private static readonly string[] s_files =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    private readonly InitializedWorkspace _workspace;

    public LearningHandlerTests(InitializedWorkspace workspace)
    {
        _workspace = workspace;
    }

    private static string SampleDirectory => Path.Combine(SharedData.RepositoryRoot, "src", "Ppml.Quickstart", "Resources", "mnist-sample");

    private CliHarness NewHarnessWithEncryptedMnist()
    {
        CliHarness cli = _workspace.NewHarness();
        Directory.CreateDirectory(cli.Temp.Combine("mnist"));
        foreach (string name in s_files)
        {
            File.Copy(Path.Combine(SampleDirectory, name), cli.Temp.Combine("mnist", name));
        }

        return cli;
    }

    [Fact]
    public async Task TrainEvaluatePredict_FromEncryptedMnist_ModelOnlyEverEncrypted()
    {
        using CliHarness cli = NewHarnessWithEncryptedMnist();
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "mnist", "--out", "mnist.enc")).ExitCode);

        CliResult train = await cli.RunAsync("train", "lenet", "--data", "mnist.enc", "--epochs", "1", "--limit", "2000", "--out", "lenet.ppml", "--plot", "plot.png");
        CliResult evaluate = await cli.RunAsync("evaluate", "--model", "lenet.ppml", "--data", "mnist.enc");

        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Matches(@"^Top1Accuracy is Accuracy\(correct: \d+, count: 1000, accuracy: 0\.\d+\)\n$", train.Output);
        Assert.Equal(train.Output, evaluate.Output);
        byte[] model = File.ReadAllBytes(cli.Temp.Combine("lenet.ppml"));
        Assert.True(PpmlContainer.LooksLikeContainer(model));
        Assert.Equal(-1, model.AsSpan().IndexOf("PPMLMODL"u8));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(cli.Temp.Combine("plot.png")).Take(4));

        byte[] image = FirstTestImage();
        File.WriteAllBytes(cli.Temp.Combine("digit.raw"), image);
        CliResult predict = await cli.RunAsync("predict", "--model", "lenet.ppml", "--image", "digit.raw");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        Assert.Matches(@"^Prediction: \d \(confidence", predict.Output);
    }

    [Fact]
    public async Task Evaluate_TamperedModel_IsRefusedNamingIt()
    {
        using CliHarness cli = NewHarnessWithEncryptedMnist();
        Assert.Equal(0, (await cli.RunAsync("train", "lenet", "--data", "mnist", "--epochs", "1", "--limit", "256", "--out", "m.ppml")).ExitCode);
        byte[] bytes = File.ReadAllBytes(cli.Temp.Combine("m.ppml"));
        bytes[bytes.Length / 2] ^= 0x04;
        File.WriteAllBytes(cli.Temp.Combine("m.ppml"), bytes);

        CliResult result = await cli.RunAsync("evaluate", "--model", "m.ppml", "--data", "mnist");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("m.ppml", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Train_WrongIdxMagic_IsBadInputNamingFile()
    {
        using CliHarness cli = NewHarnessWithEncryptedMnist();
        File.WriteAllBytes(cli.Temp.Combine("mnist", "t10k-labels-idx1-ubyte.gz"), Gzip([0, 0, 8, 3, 0, 0, 0, 1, 5]));

        CliResult result = await cli.RunAsync("train", "lenet", "--data", "mnist", "--epochs", "1", "--limit", "128", "--out", "m.ppml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.Temp.Combine("m.ppml")));
    }

    [Fact]
    public async Task Train_MissingFile_AndPlainModel_AreClearErrors()
    {
        using CliHarness cli = NewHarnessWithEncryptedMnist();
        File.Delete(cli.Temp.Combine("mnist", "train-labels-idx1-ubyte.gz"));
        File.WriteAllText(cli.Temp.Combine("plain.model"), "PPMLMODL not encrypted");

        CliResult missing = await cli.RunAsync("train", "lenet", "--data", "mnist", "--out", "m.ppml");
        CliResult plain = await cli.RunAsync("evaluate", "--model", "plain.model", "--data", "mnist");

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("train-labels-idx1-ubyte", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, plain.ExitCode);
        Assert.Contains("not a PPML container", plain.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatasetsFetch_BadUrlOrUnreachableServer_ClearErrorAndNothingWritten()
    {
        using CliHarness cli = _workspace.NewHarness();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        CliResult notHttp = await cli.RunAsync("datasets", "fetch", "mnist", "--from", "ftp://example.org/mnist/", "--out", "mnist");
        CliResult unreachable = await cli.RunAsync("datasets", "fetch", "mnist", "--from", $"http://127.0.0.1:{port}/mnist/", "--out", "mnist");

        Assert.Equal(2, notHttp.ExitCode);
        Assert.Contains("--from 'ftp://example.org/mnist/' is not an absolute http(s) URL", notHttp.Error, StringComparison.Ordinal);
        Assert.Equal(1, unreachable.ExitCode);
        Assert.StartsWith($"ppml: error: Download from 'http://127.0.0.1:{port}/mnist/' failed: ", unreachable.Error, StringComparison.Ordinal);
        Assert.Single(unreachable.Error.TrimEnd('\n').Split('\n'));
        Assert.Empty(Directory.Exists(cli.Temp.Combine("mnist")) ? Directory.GetFiles(cli.Temp.Combine("mnist")) : []);
    }

    private static byte[] FirstTestImage()
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(SampleDirectory, "t10k-images-idx3-ubyte.gz")), CompressionMode.Decompress);
        byte[] header = new byte[16];
        gzip.ReadExactly(header);
        byte[] image = new byte[784];
        gzip.ReadExactly(image);
        return image;
    }

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }
}
