namespace Ppml.Testing;

/// <summary>Locates ../shared (data and test vectors) beside the checkout.</summary>
public static class SharedData
{
    private static readonly Lazy<string?> s_root = new(FindRoot);

    /// <summary>The shared folder, or null when it is not beside the checkout.</summary>
    public static string? Root => s_root.Value;

    /// <summary>A path under ../shared; fails under CI (skips locally) when the folder is missing.</summary>
    public static string PathOf(params string[] parts)
    {
        Require.Service(Root is not null, "../shared (test data)", "Check out the project beside its shared/ folder or set PPML_SHARED.");
        string path = Path.Combine([Root!, .. parts]);
        Require.Service(File.Exists(path) || Directory.Exists(path), $"shared file '{path}'", "Restore ../shared from the project.");
        return path;
    }

    /// <summary>The repository root (the folder holding Ppml.slnx).</summary>
    public static string RepositoryRoot
    {
        get
        {
            DirectoryInfo? directory = new(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Ppml.slnx")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("Ppml.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    private static string? FindRoot()
    {
        string? configured = Environment.GetEnvironmentVariable("PPML_SHARED");
        if (!string.IsNullOrEmpty(configured) && Directory.Exists(configured))
        {
            return configured;
        }

        DirectoryInfo? directory = new(AppContext.BaseDirectory);
        while (directory is not null)
        {
            string candidate = Path.Combine(directory.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "testdata")) || Directory.Exists(Path.Combine(candidate, "data")))
            {
                return candidate;
            }

            directory = directory.Parent;
        }

        return null;
    }
}
