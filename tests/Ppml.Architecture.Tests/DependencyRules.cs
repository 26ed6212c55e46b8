namespace Ppml.Architecture.Tests;

/// <summary>The dependency direction of ARCHITECTURE.md, as data: a project may reference only lower layers.</summary>
internal static class DependencyRules
{
    private const string SimulatedPlatform = "Ppml.Attestation.Simulation";

    public static IReadOnlyDictionary<string, int> Layers { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["Ppml.Core"] = 0,
        ["Ppml.Crypto"] = 1,
        ["Ppml.Attestation"] = 2,
        // Beside each other: the TEE runtime never references the simulated platform (the host composes it).
        ["Ppml.Attestation.Simulation"] = 3,
        ["Ppml.Tee"] = 3,
        ["Ppml.Kms"] = 4,
        ["Ppml.Data"] = 5,
        ["Ppml.Learning"] = 5,
        ["Ppml.Data.Tpch"] = 6,
        ["Ppml.Workloads"] = 7,
        ["Ppml.Kms.Server"] = 8,
        ["Ppml.Cluster"] = 8,
        ["Ppml.Serving"] = 8,
        ["Ppml.Streaming"] = 8,
        ["Ppml.Federated"] = 8,
        // The tour composes the hosts' pieces (it starts the KMS server in-process); only the CLI uses it.
        ["Ppml.Quickstart"] = 9,
        ["Ppml.Cli"] = 10,
    };

    public static IReadOnlySet<string> Hosts { get; } = new HashSet<string>(StringComparer.Ordinal) { "Ppml.Kms.Server", "Ppml.Quickstart", "Ppml.Cli" };

    /// <summary>
    /// Projects that must not reach others even through a chain of references: the key service and the data layer carry
    /// no TEE runtime and no quote verifier (a client of the KMS is not a verifier, and the simulated PKI never rides along);
    /// the verifier and the TEE runtime never carry the simulated platform, which only a composition root chooses.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> ForbiddenReach { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Ppml.Kms"] = ["Ppml.Tee", "Ppml.Attestation", SimulatedPlatform],
        ["Ppml.Data"] = ["Ppml.Tee", "Ppml.Attestation", SimulatedPlatform],
        ["Ppml.Tee"] = [SimulatedPlatform],
        ["Ppml.Attestation"] = [SimulatedPlatform],
    };

    /// <summary>Each heavy dependency lives in exactly one project.</summary>
    public static IReadOnlyDictionary<string, string> HeavyPackages { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["DuckDB.NET.Data.Full"] = "Ppml.Data",
        ["ParquetSharp"] = "Ppml.Data",
        ["Microsoft.ML.OnnxRuntime"] = "Ppml.Learning",
        ["Microsoft.Orleans.Server"] = "Ppml.Cluster",
        ["StackExchange.Redis"] = "Ppml.Serving",
    };

    /// <summary>Every violation in a reference graph (project -> referenced projects, project -> packages).</summary>
    public static IReadOnlyList<string> Violations(
        IReadOnlyDictionary<string, IReadOnlyList<string>> projectReferences,
        IReadOnlyDictionary<string, IReadOnlyList<string>> packageReferences)
    {
        var violations = new List<string>();
        foreach ((string project, IReadOnlyList<string> references) in projectReferences)
        {
            if (!Layers.TryGetValue(project, out int layer))
            {
                violations.Add($"{project} is not placed in a layer of ARCHITECTURE.md (add it to DependencyRules).");
                continue;
            }

            foreach (string reference in references)
            {
                if (!Layers.TryGetValue(reference, out int referencedLayer))
                {
                    violations.Add($"{project} -> {reference}: {reference} is not a src project.");
                }
                else if (referencedLayer >= layer)
                {
                    violations.Add($"{project} -> {reference}: dependencies point down only ({project} is layer {layer}, {reference} is layer {referencedLayer}).");
                }
                else if (Hosts.Contains(reference) && !Hosts.Contains(project))
                {
                    violations.Add($"{project} -> {reference}: a library never references a host.");
                }
            }
        }

        foreach ((string project, string[] forbidden) in ForbiddenReach)
        {
            HashSet<string> reached = Reach(project, projectReferences);
            foreach (string target in forbidden.Where(reached.Contains))
            {
                violations.Add(target == SimulatedPlatform
                    ? $"{project} reaches {target} through its references; it must not (the simulated platform is chosen at a composition root, never carried by a library)."
                    : $"{project} reaches {target} through its references; it must not (a key-service or data client carries no TEE runtime or verifier).");
            }
        }

        // Ppml.Streaming shares Redis with Ppml.Serving by design (ARCHITECTURE.md: Redis in Serving/Streaming).
        // Ppml.Data.Tpch shares DuckDB with Ppml.Data: its plaintext baseline is DuckDB reading the .tbl files without a
        // PpmlContext, its loader appends typed rows through DuckDB's appender, and its runner reads decimal scales that
        // DuckDB.NET's reader drops; queries over encrypted data still go through PpmlContext.
        foreach ((string project, IReadOnlyList<string> packages) in packageReferences)
        {
            foreach (string package in packages)
            {
                if (HeavyPackages.TryGetValue(package, out string? owner) && owner != project
                    && !(package == "StackExchange.Redis" && project == "Ppml.Streaming")
                    && !(package == "DuckDB.NET.Data.Full" && project == "Ppml.Data.Tpch"))
                {
                    violations.Add($"{project} references {package}, which only {owner} may use.");
                }
            }
        }

        return violations;
    }

    private static HashSet<string> Reach(string project, IReadOnlyDictionary<string, IReadOnlyList<string>> projectReferences)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out string? current))
        {
            if (!projectReferences.TryGetValue(current, out IReadOnlyList<string>? references))
            {
                continue;
            }

            foreach (string reference in references.Where(reached.Add))
            {
                pending.Push(reference);
            }
        }

        return reached;
    }
}
