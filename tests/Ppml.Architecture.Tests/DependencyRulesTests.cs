using System.Xml.Linq;
using Ppml.Testing;

namespace Ppml.Architecture.Tests;

public class DependencyRulesTests
{
    [Fact]
    public void Solution_SrcProjects_RespectDependencyDirection()
    {
        (Dictionary<string, IReadOnlyList<string>> projects, Dictionary<string, IReadOnlyList<string>> packages) = ReadSourceProjects();

        Assert.NotEmpty(projects);
        Assert.Empty(DependencyRules.Violations(projects, packages));
    }

    [Fact]
    public void Violations_CryptoReferencingKms_IsReported()
    {
        var projects = new Dictionary<string, IReadOnlyList<string>> { ["Ppml.Crypto"] = ["Ppml.Kms"], ["Ppml.Kms"] = ["Ppml.Crypto"] };

        IReadOnlyList<string> violations = DependencyRules.Violations(projects, new Dictionary<string, IReadOnlyList<string>>());

        Assert.Single(violations);
        Assert.Contains("Ppml.Crypto -> Ppml.Kms", violations[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Violations_KmsReachingTeeThroughAChain_IsReported()
    {
        var projects = new Dictionary<string, IReadOnlyList<string>>
        {
            ["Ppml.Core"] = [],
            ["Ppml.Crypto"] = ["Ppml.Core"],
            ["Ppml.Attestation"] = ["Ppml.Crypto"],
            ["Ppml.Tee"] = ["Ppml.Attestation"],
            ["Ppml.Kms"] = ["Ppml.Tee"],
            ["Ppml.Data"] = ["Ppml.Kms"],
        };

        IReadOnlyList<string> violations = DependencyRules.Violations(projects, new Dictionary<string, IReadOnlyList<string>>());

        Assert.Contains("Ppml.Kms reaches Ppml.Tee through its references; it must not (a key-service or data client carries no TEE runtime or verifier).", violations);
        Assert.Contains(violations, v => v.StartsWith("Ppml.Data reaches Ppml.Attestation", StringComparison.Ordinal));
    }

    [Fact]
    public void Violations_TeeReachingSimulatedPlatformThroughAChain_IsReported()
    {
        // Workloads -> Attestation.Simulation is allowed; a chain from Tee (here through Kms) to it is not.
        var projects = new Dictionary<string, IReadOnlyList<string>>
        {
            ["Ppml.Core"] = [],
            ["Ppml.Crypto"] = ["Ppml.Core"],
            ["Ppml.Attestation"] = ["Ppml.Crypto"],
            ["Ppml.Attestation.Simulation"] = ["Ppml.Attestation"],
            ["Ppml.Tee"] = ["Ppml.Attestation"],
            ["Ppml.Workloads"] = ["Ppml.Tee", "Ppml.Attestation.Simulation"],
        };
        Assert.Empty(DependencyRules.Violations(projects, new Dictionary<string, IReadOnlyList<string>>()));

        projects["Ppml.Tee"] = ["Ppml.Attestation", "Ppml.Kms"];
        projects["Ppml.Kms"] = ["Ppml.Crypto", "Ppml.Attestation.Simulation"];
        IReadOnlyList<string> violations = DependencyRules.Violations(projects, new Dictionary<string, IReadOnlyList<string>>());

        Assert.Contains(
            "Ppml.Tee reaches Ppml.Attestation.Simulation through its references; it must not (the simulated platform is chosen at a composition root, never carried by a library).",
            violations);
        Assert.Contains("Ppml.Kms reaches Ppml.Attestation.Simulation through its references; it must not (the simulated platform is chosen at a composition root, never carried by a library).", violations);
    }

    [Fact]
    public void Violations_TeeAndSimulatedPlatformReferencingEachOther_IsReported()
    {
        var projects = new Dictionary<string, IReadOnlyList<string>>
        {
            ["Ppml.Attestation"] = [],
            ["Ppml.Attestation.Simulation"] = ["Ppml.Attestation", "Ppml.Tee"],
            ["Ppml.Tee"] = ["Ppml.Attestation.Simulation"],
        };

        IReadOnlyList<string> violations = DependencyRules.Violations(projects, new Dictionary<string, IReadOnlyList<string>>());

        Assert.Contains(violations, v => v.StartsWith("Ppml.Attestation.Simulation -> Ppml.Tee: dependencies point down only", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Ppml.Tee -> Ppml.Attestation.Simulation: dependencies point down only", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Ppml.Tee reaches Ppml.Attestation.Simulation", StringComparison.Ordinal));
    }

    [Fact]
    public void Violations_AttestationReachingSimulatedPlatform_IsReported()
    {
        var projects = new Dictionary<string, IReadOnlyList<string>>
        {
            ["Ppml.Attestation"] = ["Ppml.Attestation.Simulation"],
            ["Ppml.Attestation.Simulation"] = [],
        };

        IReadOnlyList<string> violations = DependencyRules.Violations(projects, new Dictionary<string, IReadOnlyList<string>>());

        Assert.Contains(violations, v => v.StartsWith("Ppml.Attestation reaches Ppml.Attestation.Simulation", StringComparison.Ordinal));
    }

    [Fact]
    public void Violations_LibraryReferencingHost_IsReported()
    {
        var projects = new Dictionary<string, IReadOnlyList<string>> { ["Ppml.Data"] = ["Ppml.Kms.Server"] };

        Assert.NotEmpty(DependencyRules.Violations(projects, new Dictionary<string, IReadOnlyList<string>>()));
    }

    [Fact]
    public void Violations_HeavyPackageOutsideItsProject_IsReported()
    {
        var packages = new Dictionary<string, IReadOnlyList<string>> { ["Ppml.Learning"] = ["DuckDB.NET.Data.Full"] };

        IReadOnlyList<string> violations = DependencyRules.Violations(new Dictionary<string, IReadOnlyList<string>>(), packages);

        Assert.Contains(violations, v => v.Contains("DuckDB", StringComparison.Ordinal));
    }

    [Fact]
    public void Violations_DuckDbInDataTpch_IsAllowedButParquetSharpIsNot()
    {
        var packages = new Dictionary<string, IReadOnlyList<string>> { ["Ppml.Data.Tpch"] = ["DuckDB.NET.Data.Full", "ParquetSharp"] };

        IReadOnlyList<string> violations = DependencyRules.Violations(new Dictionary<string, IReadOnlyList<string>>(), packages);

        Assert.Equal(["Ppml.Data.Tpch references ParquetSharp, which only Ppml.Data may use."], violations);
    }

    [Fact]
    public void Violations_DataReferencingDataTpch_IsReported()
    {
        var projects = new Dictionary<string, IReadOnlyList<string>> { ["Ppml.Data"] = ["Ppml.Data.Tpch"], ["Ppml.Data.Tpch"] = ["Ppml.Data"] };

        IReadOnlyList<string> violations = DependencyRules.Violations(projects, new Dictionary<string, IReadOnlyList<string>>());

        Assert.Contains("Ppml.Data -> Ppml.Data.Tpch", Assert.Single(violations), StringComparison.Ordinal);
    }

    [Fact]
    public void SourceProjects_DeclareProjectKind_AndNoVersionAttributes()
    {
        string root = SharedData.RepositoryRoot;
        foreach (string csproj in Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
                     .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                     // samples/ are user programs built against the packed packages, with their own settings and versions.
                     .Where(p => !Path.GetRelativePath(root, p).StartsWith("samples" + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            XDocument document = XDocument.Load(csproj);
            Assert.True(document.Descendants("ProjectKind").Any(), $"{csproj} does not declare <ProjectKind>.");
            Assert.False(
                document.Descendants("PackageReference").Any(p => p.Attribute("Version") is not null || p.Attribute("VersionOverride") is not null),
                $"{csproj} sets a package version; versions live in Directory.Packages.props.");
        }
    }

    private static (Dictionary<string, IReadOnlyList<string>>, Dictionary<string, IReadOnlyList<string>>) ReadSourceProjects()
    {
        string src = Path.Combine(SharedData.RepositoryRoot, "src");
        var projects = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var packages = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (string csproj in Directory.EnumerateFiles(src, "*.csproj", SearchOption.AllDirectories))
        {
            string name = Path.GetFileNameWithoutExtension(csproj);
            XDocument document = XDocument.Load(csproj);
            // References into samples/ are the user programs ppml ships beside itself (user code, not a layer).
            projects[name] = [.. document.Descendants("ProjectReference")
                .Select(r => r.Attribute("Include")!.Value.Replace('\\', '/'))
                .Where(path => !path.Contains("/samples/", StringComparison.Ordinal))
                .Select(Path.GetFileNameWithoutExtension)
                .OfType<string>()];
            packages[name] = [.. document.Descendants("PackageReference").Select(r => r.Attribute("Include")!.Value)];
        }

        return (projects, packages);
    }
}
