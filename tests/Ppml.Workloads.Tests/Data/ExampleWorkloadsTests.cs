using Ppml.Workloads.Data;

namespace Ppml.Workloads.Tests.Data;

public sealed class ExampleWorkloadsTests : IClassFixture<FileSession>
{
    private readonly FileSession _kms;

    public ExampleWorkloadsTests(FileSession kms)
    {
        _kms = kms;
    }

    [Fact]
    public async Task WordCountAsync_EmbeddedSample_CountsHamletFromAnEncryptedCopy()
    {
        await using PpmlSession session = await _kms.OpenAsync(TestContext.Current.CancellationToken);

        WordCountResult result = await ExampleWorkloads.WordCountAsync(session, new WordCountOptions(), TestContext.Current.CancellationToken);

        Assert.Equal(170, result.Counts!.Count);
        Assert.Equal(("the", 22L), result.Counts.MaxBy(c => c.Count));
        Assert.Null(result.Written);
    }

    [Fact]
    public async Task SqlBasicAsync_OneInputWithoutTheOther_IsInvalidInput()
    {
        await using PpmlSession session = await _kms.OpenAsync(TestContext.Current.CancellationToken);

        WorkloadException error = await Assert.ThrowsAsync<WorkloadException>(
            () => ExampleWorkloads.SqlBasicAsync(session, "people.json", peopleText: null, TextWriter.Null, TestContext.Current.CancellationToken));

        Assert.True(error.IsInvalidInput);
    }

    [Fact]
    public async Task PiAsync_FewSamples_IsRoughlyPi()
    {
        await using PpmlSession session = await _kms.OpenAsync(TestContext.Current.CancellationToken);

        double pi = await ExampleWorkloads.PiAsync(session, 200_000, TestContext.Current.CancellationToken);

        Assert.InRange(pi, 3.0, 3.3);
    }
}
