using Ppml.Testing;

namespace Ppml.Cli.Tests;

/// <summary>One `ppml init` per test class (it generates RSA keys); tests copy it when they change it.</summary>
public sealed class InitializedWorkspace : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();

    public string Home => _temp.Combine(".ppml");

    public async ValueTask InitializeAsync()
    {
        var context = new CliContext { Output = TextWriter.Null, Error = TextWriter.Null, WorkingDirectory = _temp.Path, GetEnvironmentVariable = _ => null };
        int exit = await PpmlCommand.RunAsync(["init", "--home", Home], context);
        Assert.Equal(0, exit);
    }

    /// <summary>A fresh harness whose workspace is a copy of this one.</summary>
    internal CliHarness NewHarness()
    {
        var harness = new CliHarness();
        CopyTo(harness.Home);
        return harness;
    }

    public void CopyTo(string destination)
    {
        foreach (string file in Directory.EnumerateFiles(Home, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(destination, Path.GetRelativePath(Home, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }
}
