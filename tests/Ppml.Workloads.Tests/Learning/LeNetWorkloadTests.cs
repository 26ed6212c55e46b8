using Ppml.Kms.File;
using Ppml.Testing;
using Ppml.Workloads.Learning;

namespace Ppml.Workloads.Tests.Learning;

public sealed class LeNetWorkloadTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("1,784", new[] { 1, 784 })]
    [InlineData("1, 1, 28, 28", new[] { 1, 1, 28, 28 })]
    [InlineData("784", new[] { 784 })]
    public void ParseShape_OneImage_ReturnsTheDimensions(string shape, int[] expected)
    {
        Assert.Equal(expected, LeNetWorkload.ParseShape(shape));
    }

    [Theory]
    [InlineData("1,x", "must be positive integers")]
    [InlineData("1,0,784", "must be positive integers")]
    [InlineData("-1,784", "must be positive integers")]
    [InlineData("2,784", "holds 1568 values; one 28x28 image has 784")]
    [InlineData("", "holds 1 values")]
    public void ParseShape_NotOneImage_FormatExceptionQuotingTheShape(string shape, string expected)
    {
        FormatException refused = Assert.Throws<FormatException>(() => LeNetWorkload.ParseShape(shape));

        Assert.StartsWith($"'{shape}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainAsync_ExistingModelWithoutOverwrite_RefusedBeforeTheDataIsRead_ModelKept()
    {
        using var temp = new TempDirectory();
        await using PpmlSession session = await OpenSessionAsync(temp);
        File.WriteAllText(temp.Combine("model.ppml"), "an earlier model");

        // The data directory does not exist: the refusal must come before any read.
        WorkloadException refused = await Assert.ThrowsAsync<WorkloadException>(() => LeNetWorkload.TrainAsync(
            session, new LeNetTrainingRequest { DataDirectory = temp.Combine("missing"), ModelPath = temp.Combine("model.ppml") }, cancellationToken: Token));

        Assert.Contains("already exists", refused.Message, StringComparison.Ordinal);
        Assert.Equal("an earlier model", File.ReadAllText(temp.Combine("model.ppml")));
    }

    [Fact]
    public async Task PredictAsync_PlainModelFile_RefusedAsNotAContainer()
    {
        using var temp = new TempDirectory();
        await using PpmlSession session = await OpenSessionAsync(temp);
        File.WriteAllBytes(temp.Combine("digit.raw"), new byte[784]);
        File.WriteAllText(temp.Combine("model.bin"), "not a container");

        WorkloadException refused = await Assert.ThrowsAsync<WorkloadException>(() =>
            LeNetWorkload.PredictAsync(session, temp.Combine("model.bin"), temp.Combine("digit.raw"), cancellationToken: Token));

        Assert.True(refused.IsInvalidInput);
        Assert.Contains("is not a PPML container", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<PpmlSession> OpenSessionAsync(TempDirectory temp)
    {
        using (FileKeyManagementService kms = await FileKeyManagementService.CreateAsync(temp.Combine("kms"), "store password", TimeProvider.System, Token))
        {
            await kms.CreateKeyAsync("primary", Token);
        }

        return await PpmlSession.OpenAsync(new PpmlSessionOptions { KmsUri = "file:" + temp.Combine("kms"), KmsPassword = "store password" }, Token);
    }
}
