using Ppml.Testing;
using Ppml.Workloads.Programs;
using Ppml.Workloads.Workspace;

namespace Ppml.Workloads.Tests.Programs;

public class WorkloadProgramTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_MissingProgram_IsInvalidInputNamingIt()
    {
        using var temp = new TempDirectory();
        var host = new WorkloadHost { WorkingDirectory = temp.Path };

        WorkloadException refused = await Assert.ThrowsAsync<WorkloadException>(() =>
            WorkloadProgram.RunAsync(host, new WorkloadProgramStart("App.dll", [], new KmsTarget(temp.Combine(".ppml"))), TextWriter.Null, TextWriter.Null, Token));

        Assert.True(refused.IsInvalidInput);
        Assert.Contains(temp.Combine("App.dll"), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NotADll_IsInvalidInput()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("app.py"), "print('hello')\n");
        var host = new WorkloadHost { WorkingDirectory = temp.Path };

        WorkloadException refused = await Assert.ThrowsAsync<WorkloadException>(() =>
            WorkloadProgram.RunAsync(host, new WorkloadProgramStart("app.py", [], new KmsTarget(temp.Combine(".ppml"))), TextWriter.Null, TextWriter.Null, Token));

        Assert.True(refused.IsInvalidInput);
        Assert.Contains("not an existing .dll", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoWorkspace_IsRefusedBeforeAnythingStarts()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.Combine("App.dll"), [0x4D, 0x5A]);
        var host = new WorkloadHost { WorkingDirectory = temp.Path };

        WorkloadException refused = await Assert.ThrowsAsync<WorkloadException>(() =>
            WorkloadProgram.RunAsync(host, new WorkloadProgramStart("App.dll", [], new KmsTarget(temp.Combine("nowhere"))), TextWriter.Null, TextWriter.Null, Token));

        Assert.False(refused.IsInvalidInput);
        Assert.Contains("No PPML workspace", refused.Message, StringComparison.Ordinal);
    }
}
