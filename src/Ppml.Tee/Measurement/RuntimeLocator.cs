using System.Text.Json;

namespace Ppml.Tee.Measurement;

/// <summary>
/// Finds the parts of the .NET installation an application runs on: the shared framework directories and the host
/// (<c>host/fxr</c>, the <c>dotnet</c> muxer). For the running process they come from the host's own record of the
/// framework deps files it loaded (<c>APP_CONTEXT_DEPS_FILES</c>, <c>FX_DEPS_FILE</c>); for another application
/// directory from its <c>*.runtimeconfig.json</c>, resolved in the current installation.
/// </summary>
internal static class RuntimeLocator
{
    private const string SharedDirectoryName = "shared";

    /// <summary>The runtime the current process runs on (none for a self-contained application: its runtime is in its directory).</summary>
    public static IReadOnlyList<RuntimeComponent> ForCurrentProcess(Func<string, object?> getAppContextData)
    {
        ArgumentNullException.ThrowIfNull(getAppContextData);
        Dictionary<string, string> frameworks = CurrentFrameworks(getAppContextData);
        string? root = frameworks.Values.Select(DotnetRootOf).FirstOrDefault(r => r is not null);
        return Compose(frameworks, root);
    }

    /// <summary>
    /// The runtime the application in <paramref name="applicationDirectory"/> would run on: each framework its
    /// <c>*.runtimeconfig.json</c> names (and the frameworks those name), the one the current process runs when it is
    /// the same framework and major.minor, else the highest installed patch of that major.minor.
    /// </summary>
    public static IReadOnlyList<RuntimeComponent> ForApplication(string applicationDirectory, Func<string, object?> getAppContextData)
    {
        ArgumentNullException.ThrowIfNull(applicationDirectory);
        Dictionary<string, string> current = CurrentFrameworks(getAppContextData);
        string? root = current.Values.Select(DotnetRootOf).FirstOrDefault(r => r is not null);
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new Queue<(string Name, string Version, string From)>();
        foreach (string config in Directory.EnumerateFiles(applicationDirectory, "*.runtimeconfig.json"))
        {
            foreach ((string name, string version) in ReadFrameworks(config))
            {
                pending.Enqueue((name, version, config));
            }
        }

        while (pending.TryDequeue(out (string Name, string Version, string From) request))
        {
            if (resolved.ContainsKey(request.Name))
            {
                continue;
            }

            string directory = Resolve(request.Name, request.Version, request.From, current, root);
            resolved[request.Name] = directory;
            string own = Path.Combine(directory, request.Name + ".runtimeconfig.json");
            if (File.Exists(own))
            {
                foreach ((string name, string version) in ReadFrameworks(own))
                {
                    pending.Enqueue((name, version, own));
                }
            }
        }

        return Compose(resolved, resolved.Count == 0 ? null : root ?? resolved.Values.Select(DotnetRootOf).FirstOrDefault(r => r is not null));
    }

    /// <summary>
    /// The runtime of the running application as its signer saw it: every framework the <c>*.runtimeconfig.json</c> files
    /// of <paramref name="applicationDirectory"/> name (one directory may hold several programs — ppml and the samples it
    /// ships — and one signature covers them all), with the frameworks this process loaded taken from where it loaded them.
    /// </summary>
    public static IReadOnlyList<RuntimeComponent> ForRunningApplication(string applicationDirectory, Func<string, object?> getAppContextData)
    {
        var components = ForApplication(applicationDirectory, getAppContextData).ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (RuntimeComponent loaded in ForCurrentProcess(getAppContextData))
        {
            components[loaded.Name] = loaded;
        }

        return [.. components.Values.OrderBy(c => c.Name, StringComparer.Ordinal)];
    }

    private static List<RuntimeComponent> Compose(Dictionary<string, string> frameworks, string? root)
    {
        var components = frameworks.Select(f => new RuntimeComponent(f.Key, f.Value)).ToList();
        if (frameworks.Count > 0 && root is not null)
        {
            string fxr = Path.Combine(root, "host", "fxr");
            if (Directory.Exists(fxr))
            {
                components.Add(new RuntimeComponent("host/fxr", fxr));
            }

            string muxer = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            if (File.Exists(muxer))
            {
                components.Add(new RuntimeComponent("host/dotnet", muxer));
            }
        }

        components.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return components;
    }

    private static Dictionary<string, string> CurrentFrameworks(Func<string, object?> getAppContextData)
    {
        var frameworks = new Dictionary<string, string>(StringComparer.Ordinal);
        string all = $"{getAppContextData("APP_CONTEXT_DEPS_FILES") as string};{getAppContextData("FX_DEPS_FILE") as string}";
        foreach (string depsFile in all.Split([';', Path.PathSeparator], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string? versionDirectory = Path.GetDirectoryName(Path.GetFullPath(depsFile));
            string? nameDirectory = Path.GetDirectoryName(versionDirectory);
            if (versionDirectory is null || nameDirectory is null || Path.GetFileName(Path.GetDirectoryName(nameDirectory)) != SharedDirectoryName)
            {
                continue; // the application's own deps file
            }

            frameworks.TryAdd(Path.GetFileName(nameDirectory), versionDirectory);
        }

        return frameworks;
    }

    private static string? DotnetRootOf(string frameworkVersionDirectory) =>
        Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(frameworkVersionDirectory)));

    private static string Resolve(string name, string version, string from, Dictionary<string, string> current, string? root)
    {
        if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
        {
            throw new TeeException($"'{from}' names framework '{name}', which is not a framework name.");
        }

        if (!Version.TryParse(version, out Version? requested))
        {
            throw new TeeException($"'{from}' names framework {name} with version '{version}', which is not a version number.");
        }

        if (current.TryGetValue(name, out string? running) && Version.TryParse(Path.GetFileName(running), out Version? runningVersion)
            && runningVersion.Major == requested.Major && runningVersion.Minor == requested.Minor)
        {
            return running;
        }

        string frameworkDirectory = root is null ? string.Empty : Path.Combine(root, SharedDirectoryName, name);
        string? best = Directory.Exists(frameworkDirectory)
            ? Directory.EnumerateDirectories(frameworkDirectory)
                .Select(d => (Directory: d, Version: Version.TryParse(Path.GetFileName(d), out Version? v) ? v : null))
                .Where(d => d.Version is not null && d.Version.Major == requested.Major && d.Version.Minor == requested.Minor && d.Version >= requested)
                .OrderByDescending(d => d.Version)
                .Select(d => d.Directory)
                .FirstOrDefault()
            : null;
        return best ?? throw new TeeException(
            $"'{from}' needs framework {name} {requested.Major}.{requested.Minor} (>= {version}), which is not installed in '{root ?? "(no dotnet installation found)"}'; install it or sign on a machine that has it.");
    }

    private static List<(string Name, string Version)> ReadFrameworks(string runtimeConfigPath)
    {
        using JsonDocument document = Parse(runtimeConfigPath);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("runtimeOptions", out JsonElement options) || options.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        if (options.TryGetProperty("includedFrameworks", out _))
        {
            return []; // self-contained: the runtime is in the application directory
        }

        var frameworks = new List<(string, string)>();
        if (options.TryGetProperty("framework", out JsonElement single))
        {
            frameworks.Add(ReadReference(single, runtimeConfigPath));
        }

        if (options.TryGetProperty("frameworks", out JsonElement many) && many.ValueKind == JsonValueKind.Array)
        {
            frameworks.AddRange(many.EnumerateArray().Select(f => ReadReference(f, runtimeConfigPath)));
        }

        return frameworks;
    }

    private static (string Name, string Version) ReadReference(JsonElement reference, string path) =>
        reference.ValueKind == JsonValueKind.Object
        && reference.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String
        && reference.TryGetProperty("version", out JsonElement version) && version.ValueKind == JsonValueKind.String
            ? (name.GetString()!, version.GetString()!)
            : throw new TeeException($"'{path}' has a framework reference without a string 'name' and 'version'.");

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException exception)
        {
            throw new TeeException($"'{path}' is not valid JSON: {exception.Message}", exception);
        }
    }
}
