using System.Text.RegularExpressions;
using Ppml.Testing;

namespace Ppml.Cli.Tests;

/// <summary>The CLI stays thin: a handler parses, calls one library entry point and prints; no handler uses another.</summary>
public partial class CliShapeTests
{
    [Fact]
    public void NoHandlerUsesAnotherHandler()
    {
        string cli = Path.Combine(SharedData.RepositoryRoot, "src", "Ppml.Cli");
        string[] files = Directory.EnumerateFiles(cli, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => HandlerFileName().IsMatch(Path.GetFileName(f)))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.NotEmpty(files);

        var violations = new List<string>();
        foreach (string file in files)
        {
            // QuickstartHandler.TrustChain.cs belongs to QuickstartHandler.
            string own = Path.GetFileName(file).Split('.')[0];
            foreach (Match use in HandlerUse().Matches(File.ReadAllText(file)))
            {
                string used = use.Groups["name"].Value;
                if (used != own)
                {
                    violations.Add($"{Path.GetRelativePath(SharedData.RepositoryRoot, file)} uses {used} ('{use.Value}')");
                }
            }
        }

        Assert.True(violations.Count == 0, "A handler uses another handler; move the shared logic into a library entry point:\n" + string.Join('\n', violations.Distinct()));
    }

    [GeneratedRegex(@"^[A-Z][A-Za-z0-9]*Handler(\.[A-Za-z0-9]+)?\.cs$")]
    private static partial Regex HandlerFileName();

    [GeneratedRegex(@"(?:\bnew\s+(?<name>[A-Z][A-Za-z0-9]*Handler)\s*\(|\b(?<name>[A-Z][A-Za-z0-9]*Handler)\.)")]
    private static partial Regex HandlerUse();
}
