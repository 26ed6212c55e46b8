using Ppml.Learning.Mnist;

namespace Ppml.Benchmarks.Learning;

/// <summary>Finds shared/data/mnist (PPML_SHARED, or a shared/ folder above the working or base directory).</summary>
internal static class MnistLocator
{
    public static async Task<(MnistData Train, MnistData Test)> LoadAsync()
    {
        string directory = Find();
        return (await MnistData.LoadDirectoryAsync(directory, MnistSplit.Train), await MnistData.LoadDirectoryAsync(directory, MnistSplit.Test));
    }

    private static string Find()
    {
        string? configured = Environment.GetEnvironmentVariable("PPML_SHARED");
        if (!string.IsNullOrEmpty(configured))
        {
            return Path.Combine(configured, "data", "mnist");
        }

        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, "shared", "data", "mnist");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("shared/data/mnist not found; set PPML_SHARED to the shared folder.");
    }
}
