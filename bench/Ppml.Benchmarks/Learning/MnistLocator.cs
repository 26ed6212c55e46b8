using Ppml.Learning.Mnist;

namespace Ppml.Benchmarks.Learning;

/// <summary>Finds the MNIST files: PPML_TEST_DATA/data/mnist, else the repository's tests/data/data/mnist (found above the working or base directory).</summary>
internal static class MnistLocator
{
    public static async Task<(MnistData Train, MnistData Test)> LoadAsync()
    {
        string directory = Find();
        return (await MnistData.LoadDirectoryAsync(directory, MnistSplit.Train), await MnistData.LoadDirectoryAsync(directory, MnistSplit.Test));
    }

    private static string Find()
    {
        string? configured = Environment.GetEnvironmentVariable("PPML_TEST_DATA");
        if (!string.IsNullOrEmpty(configured))
        {
            return Path.Combine(configured, "data", "mnist");
        }

        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, "tests", "data", "data", "mnist");
                if (File.Exists(Path.Combine(directory.FullName, "Ppml.slnx")) && Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("tests/data/data/mnist not found above the working or base directory; run from the repository or set PPML_TEST_DATA to a folder holding data/mnist.");
    }
}
