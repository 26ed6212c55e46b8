using System.Diagnostics;
using Ppml.Core.IO;
using Ppml.Testing;
using Ppml.Workloads.Workspace;

namespace Ppml.Workloads.Tests.Regressions;

/// <summary>
/// Issue 11, item 11: the workspace was found only in the working directory. Now a command run below a workspace finds
/// it as git finds a repository, says which one it used (on stderr), refuses one another user owns, and never searches
/// inside a TEE, where the workspace is a measured input.
/// </summary>
public sealed class Issue11_WorkspaceDiscovery
{
    [Fact]
    public void ResolveRoot_FromASubdirectory_FindsTheParentWorkspaceAndSaysSoOnce()
    {
        using var temp = new TempDirectory();
        string workspace = MakeWorkspace(temp.Path);
        string below = Directory.CreateDirectory(temp.Combine("data", "2024")).FullName;
        var diagnostics = new StringWriter();
        var host = new WorkloadHost { WorkingDirectory = below, GetEnvironmentVariable = _ => null, Diagnostics = diagnostics };

        string first = PpmlWorkspace.ResolveRoot(host, home: null);
        string second = PpmlWorkspace.ResolveRoot(host, home: null);

        Assert.Equal(workspace, first);
        Assert.Equal(workspace, second);
        Assert.Equal($"ppml: using workspace {workspace}{Environment.NewLine}", diagnostics.ToString());
    }

    [Fact]
    public async Task OpenAsync_FromASubdirectory_OpensTheParentWorkspace()
    {
        using var temp = new TempDirectory();
        string workspace = MakeWorkspace(temp.Path);
        var host = new WorkloadHost { WorkingDirectory = Directory.CreateDirectory(temp.Combine("sub")).FullName, GetEnvironmentVariable = _ => null };

        PpmlWorkspace opened = await PpmlWorkspace.OpenAsync(PpmlWorkspace.ResolveRoot(host, null), TestContext.Current.CancellationToken);

        Assert.Equal(workspace, opened.Root);
    }

    [Fact]
    public void ResolveRoot_WorkspaceInTheWorkingDirectory_IsUsedWithoutANotice()
    {
        using var temp = new TempDirectory();
        MakeWorkspace(temp.Path);
        string local = MakeWorkspace(Directory.CreateDirectory(temp.Combine("project")).FullName);
        var diagnostics = new StringWriter();
        var host = new WorkloadHost { WorkingDirectory = temp.Combine("project"), GetEnvironmentVariable = _ => null, Diagnostics = diagnostics };

        Assert.Equal(local, PpmlWorkspace.ResolveRoot(host, null));
        Assert.Empty(diagnostics.ToString());
    }

    [Fact]
    public void ResolveRoot_HomeOrPpmlHome_WinOverTheSearch()
    {
        using var temp = new TempDirectory();
        MakeWorkspace(temp.Path);
        string below = Directory.CreateDirectory(temp.Combine("sub")).FullName;
        var withHome = new WorkloadHost { WorkingDirectory = below, GetEnvironmentVariable = _ => null };
        var withVariable = new WorkloadHost { WorkingDirectory = below, GetEnvironmentVariable = name => name == "PPML_HOME" ? "/elsewhere/ws" : null };

        Assert.Equal(Path.Combine(below, "mine"), PpmlWorkspace.ResolveRoot(withHome, "mine"));
        Assert.Equal("/elsewhere/ws", PpmlWorkspace.ResolveRoot(withVariable, null));
    }

    [Fact]
    public void ResolveNewRoot_FromASubdirectory_IsTheWorkingDirectory()
    {
        using var temp = new TempDirectory();
        MakeWorkspace(temp.Path);
        string below = Directory.CreateDirectory(temp.Combine("sub")).FullName;
        var host = new WorkloadHost { WorkingDirectory = below, GetEnvironmentVariable = _ => null };

        Assert.Equal(Path.Combine(below, ".ppml"), PpmlWorkspace.ResolveNewRoot(host, null));
    }

    [Theory]
    [InlineData("sgx")]
    [InlineData("tdx")]
    [InlineData("Sgx")] // unparsable: never search on a doubt
    public void ResolveRoot_InsideATee_DoesNotSearchParents(string tee)
    {
        using var temp = new TempDirectory();
        MakeWorkspace(temp.Path);
        string below = Directory.CreateDirectory(temp.Combine("sub")).FullName;
        var diagnostics = new StringWriter();
        var host = new WorkloadHost { WorkingDirectory = below, GetEnvironmentVariable = name => name == "PPML_TEE" ? tee : null, Diagnostics = diagnostics };

        Assert.Equal(Path.Combine(below, ".ppml"), PpmlWorkspace.ResolveRoot(host, null));
        Assert.Empty(diagnostics.ToString());
    }

    [Fact]
    public void ResolveRoot_InSimulation_SearchesParents()
    {
        using var temp = new TempDirectory();
        string workspace = MakeWorkspace(temp.Path);
        var host = new WorkloadHost
        {
            WorkingDirectory = Directory.CreateDirectory(temp.Combine("sub")).FullName,
            GetEnvironmentVariable = name => name == "PPML_TEE" ? "simulation" : null,
        };

        Assert.Equal(workspace, PpmlWorkspace.ResolveRoot(host, null));
    }

    [Fact]
    public void ResolveRoot_ParentWorkspaceOwnedByAnotherUser_IsRefusedNamingTheFix()
    {
        RequireRoot();
        using var temp = new TempDirectory();
        string workspace = MakeWorkspace(temp.Path);
        Run("chown", "-R", "nobody", workspace);
        var host = new WorkloadHost { WorkingDirectory = Directory.CreateDirectory(temp.Combine("sub")).FullName, GetEnvironmentVariable = _ => null };

        WorkloadException exception = Assert.Throws<WorkloadException>(() => PpmlWorkspace.ResolveRoot(host, null));

        Assert.Contains($"'{workspace}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("not to you", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"--home {workspace}", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', exception.Message);
        // Named explicitly, it is the user's choice.
        Assert.Equal(workspace, PpmlWorkspace.ResolveRoot(host, workspace));
    }

    [Fact]
    public void FileOwnership_OfAChownedDirectory_IsThatUser()
    {
        RequireRoot();
        using var temp = new TempDirectory();
        string directory = Directory.CreateDirectory(temp.Combine("d")).FullName;
        Assert.True(FileOwnership.IsOwnedByCurrentUser(directory));

        Run("chown", "nobody", directory);

        Assert.False(FileOwnership.IsOwnedByCurrentUser(directory));
        Assert.Equal(65534u, FileOwnership.GetOwner(directory));
    }

    private static string MakeWorkspace(string parent)
    {
        string root = Path.Combine(parent, ".ppml");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, PpmlWorkspace.ConfigFileName), """{"format":"ppml-workspace/1","tee":"simulation","kms":"file:kms","defaultKey":"primary","createdAt":"2024-01-01T00:00:00Z"}""");
        return root;
    }

    // chown needs root; these tests run as root here (CI and the developer container).
    private static void RequireRoot()
    {
        // Fails under CI=true (which runs as root: it installs packages), skips only locally.
        Require.Service(FileOwnership.CurrentUserId == 0, "Root (chown, to make a directory another user owns)", "Run the tests as root.");
    }

    private static void Run(string file, params string[] arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {process.StandardError.ReadToEnd()}");
    }
}
