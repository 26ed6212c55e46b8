namespace Ppml.Testing;

/// <summary>
/// Locates the test data (<c>tests/data</c> in the repository: MNIST, Spark and Flink example data, real attestation
/// vectors; its README names each source and license), or the copy <c>PPML_TEST_DATA</c> names.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> s_root = new(FindRoot);

    /// <summary>The test data folder, or null when it is missing.</summary>
    public static string? Root => s_root.Value;

    /// <summary>A path under the test data (tests/data, or PPML_TEST_DATA); fails under CI (skips locally) when the folder is missing.</summary>
    public static string PathOf(params string[] parts)
    {
        Require.Service(Root is not null, "tests/data (test data)", "Restore tests/data from the repository or set PPML_TEST_DATA to a copy.");
        string path = Path.Combine([Root!, .. parts]);
        Require.Service(File.Exists(path) || Directory.Exists(path), $"test data file '{path}'", "Restore tests/data from the repository.");
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
        string? configured = Environment.GetEnvironmentVariable("PPML_TEST_DATA");
        if (!string.IsNullOrEmpty(configured) && Directory.Exists(configured))
        {
            return configured;
        }

        string inRepository = Path.Combine(RepositoryRoot, "tests", "data");
        return Directory.Exists(inRepository) ? inRepository : null;
    }
}
