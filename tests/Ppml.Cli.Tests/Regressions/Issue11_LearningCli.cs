using System.Text.Json;
using Ppml.Crypto.Container;
using Ppml.Testing;

namespace Ppml.Cli.Tests.Regressions;

/// <summary>
/// Issue 11, the learning commands: bad numbers printed .NET exception text with exit 1 (item 10); train, evaluate and
/// predict had no --json (item 9); training kept nothing when interrupted and printed accuracy only at the end (item 8).
/// </summary>
public sealed class Issue11_LearningCli : IClassFixture<InitializedWorkspace>
{
    private static readonly string[] s_files =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    private readonly InitializedWorkspace _workspace;

    public Issue11_LearningCli(InitializedWorkspace workspace)
    {
        _workspace = workspace;
    }

    [Theory]
    [InlineData("--epochs", "0", "--epochs must be a positive integer, got '0'.")]
    [InlineData("--epochs", "-1", "--epochs must be a positive integer, got '-1'.")]
    [InlineData("--batch-size", "0", "--batch-size must be a positive integer, got '0'.")]
    [InlineData("--batch", "-5", "--batch must be a positive integer, got '-5'.")]
    [InlineData("--lr", "-0.1", "--lr must be a positive finite number, got '-0.1'.")]
    [InlineData("--lr", "0", "--lr must be a positive finite number, got '0'.")]
    [InlineData("--lr", "NaN", "--lr must be a positive finite number, got 'NaN'.")]
    [InlineData("--limit", "0", "--limit must be a positive integer, got '0'.")]
    [InlineData("--epochs", "abc", "--epochs: 'abc' is not a whole number.")]
    [InlineData("--lr", "fast", "--lr: 'fast' is not a number.")]
    public async Task Train_BadNumber_OneLineNamingTheOption_Exit2(string option, string value, string expected)
    {
        using var cli = new CliHarness();

        CliResult result = await cli.RunAsync("train", "lenet", "--data", "mnist", "--out", "m.ppml", option, value);

        AssertOneLineUsageError(result, expected);
        Assert.False(File.Exists(cli.Temp.Combine("m.ppml")));
    }

    [Theory]
    [InlineData(new[] { "evaluate", "--model", "m.ppml", "--data", "mnist", "--batch", "0" }, "--batch must be a positive integer, got '0'.")]
    [InlineData(new[] { "predict", "--model", "m.onnx", "--image", "d.raw", "--shape", "2,784" }, "--shape '2,784' holds 1568 values; one 28x28 image has 784.")]
    [InlineData(new[] { "predict", "--model", "m.onnx", "--image", "d.raw", "--shape", "1,x" }, "--shape '1,x' must be positive integers separated by commas, e.g. 1,784 or 1,1,28,28.")]
    public async Task EvaluatePredict_BadValue_OneLineNamingTheOption_Exit2(string[] args, string expected)
    {
        using var cli = new CliHarness();

        AssertOneLineUsageError(await cli.RunAsync(args), expected);
    }

    [Fact]
    public async Task TrainEvaluatePredict_Json_OneCamelCaseObjectPerLine_PerEpochAsItHappens()
    {
        using CliHarness cli = NewHarnessWithMnist();

        CliResult train = await cli.RunAsync("train", "lenet", "--data", "mnist", "--epochs", "2", "--limit", "300", "--out", "m.ppml", "--json");
        CliResult evaluate = await cli.RunAsync("evaluate", "--model", "m.ppml", "--data", "mnist", "--json");
        File.WriteAllBytes(cli.Temp.Combine("digit.raw"), new byte[784]);
        CliResult predict = await cli.RunAsync("predict", "--model", "m.ppml", "--image", "digit.raw", "--json");

        Assert.True(train.ExitCode == 0, train.ToString());
        JsonElement[] lines = ParseLines(train.Output);
        Assert.Equal(["epoch", "epoch", "result"], lines.Select(l => l.GetProperty("type").GetString()));
        Assert.Equal([1, 2], lines[..2].Select(l => l.GetProperty("epoch").GetInt32()));
        Assert.All(lines[..2], l => Assert.Equal(2, l.GetProperty("epochs").GetInt32()));
        JsonElement result = lines[2];
        Assert.Equal(cli.Temp.Combine("m.ppml"), result.GetProperty("model").GetString());
        Assert.Equal(cli.Temp.Combine("m.checkpoint.ppml"), result.GetProperty("checkpoint").GetString());
        Assert.Equal(lines[1].GetProperty("accuracy").GetDouble(), result.GetProperty("accuracy").GetDouble());
        Assert.Contains("Training LeNet-5 on 300 images", train.Error, StringComparison.Ordinal);

        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        JsonElement accuracy = Assert.Single(ParseLines(evaluate.Output));
        Assert.Equal(result.GetProperty("correct").GetInt32(), accuracy.GetProperty("correct").GetInt32());
        Assert.Equal(1000, accuracy.GetProperty("count").GetInt32());

        Assert.True(predict.ExitCode == 0, predict.ToString());
        JsonElement prediction = Assert.Single(ParseLines(predict.Output));
        Assert.InRange(prediction.GetProperty("label").GetInt32(), 0, 9);
        Assert.InRange(prediction.GetProperty("confidence").GetDouble(), 0.0, 1.0);
    }

    [Fact]
    public async Task Train_InterruptedThenResume_ContinuesFromTheEncryptedCheckpointAsAnUninterruptedRun()
    {
        using CliHarness cli = NewHarnessWithMnist();
        CliResult whole = await cli.RunAsync("train", "lenet", "--data", "mnist", "--epochs", "2", "--limit", "300", "--out", "whole.ppml");
        // The state an interruption during epoch 2 leaves behind: the checkpoint of epoch 1, no model.
        CliResult first = await cli.RunAsync("train", "lenet", "--data", "mnist", "--epochs", "1", "--limit", "300", "--out", "m.ppml");
        File.Delete(cli.Temp.Combine("m.ppml"));

        CliResult forgot = await cli.RunAsync("train", "lenet", "--data", "mnist", "--epochs", "2", "--limit", "300", "--out", "m.ppml");
        CliResult otherBatch = await cli.RunAsync("train", "lenet", "--data", "mnist", "--epochs", "2", "--limit", "300", "--batch", "64", "--out", "m.ppml", "--resume");
        CliResult resumed = await cli.RunAsync("train", "lenet", "--data", "mnist", "--epochs", "2", "--limit", "300", "--out", "m.ppml", "--resume");

        Assert.True(whole.ExitCode == 0 && first.ExitCode == 0, whole + "\n" + first);
        string[] wholeLines = whole.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, wholeLines.Length);
        Assert.Equal(wholeLines[0] + "\n", first.Output);

        Assert.Equal(1, forgot.ExitCode);
        Assert.Equal($"ppml: error: Checkpoint '{cli.Temp.Combine("m.checkpoint.ppml")}' of an earlier run exists; pass --resume to continue that run, or --force to start over.\n", forgot.Error);

        Assert.Equal(2, otherBatch.ExitCode);
        Assert.Single(otherBatch.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains("another configuration (batch size: 128, this run 64)", otherBatch.Error, StringComparison.Ordinal);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resuming after epoch 1", resumed.Error, StringComparison.Ordinal);
        Assert.Equal(wholeLines[1] + "\n", resumed.Output);
        Assert.Equal(
            (await cli.RunAsync("evaluate", "--model", "whole.ppml", "--data", "mnist")).Output,
            (await cli.RunAsync("evaluate", "--model", "m.ppml", "--data", "mnist")).Output);
        byte[] checkpoint = File.ReadAllBytes(cli.Temp.Combine("m.checkpoint.ppml"));
        Assert.True(PpmlContainer.LooksLikeContainer(checkpoint));
        Assert.Equal(-1, checkpoint.AsSpan().IndexOf("PPMLCKPT"u8));
    }

    private static void AssertOneLineUsageError(CliResult result, string expected)
    {
        Assert.Equal(2, result.ExitCode);
        string[] lines = result.Error.TrimEnd('\n').Split('\n');
        Assert.Equal("ppml: " + expected, lines[0]);
        // The one error line, then at most the usage hint every parse error ends with; never exception text.
        Assert.True(lines.Length <= 2, result.Error);
        Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
    }

    private static JsonElement[] ParseLines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    private CliHarness NewHarnessWithMnist()
    {
        CliHarness cli = _workspace.NewHarness();
        Directory.CreateDirectory(cli.Temp.Combine("mnist"));
        foreach (string name in s_files)
        {
            File.Copy(Path.Combine(SharedData.RepositoryRoot, "src", "Ppml.Quickstart", "Resources", "mnist-sample", name), cli.Temp.Combine("mnist", name));
        }

        return cli;
    }
}
