namespace Ppml.Workloads.Data;

/// <summary>A private temporary directory, created on first use and deleted (with its contents) on dispose.</summary>
internal sealed class TemporaryDirectory(string prefix) : IDisposable
{
    private readonly Lazy<string> _path = new(() => Directory.CreateTempSubdirectory(prefix).FullName);

    public string Path => _path.Value;

    public void Dispose()
    {
        if (_path.IsValueCreated)
        {
            Directory.Delete(_path.Value, recursive: true);
        }
    }
}
