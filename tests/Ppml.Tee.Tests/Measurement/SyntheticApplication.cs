using Ppml.Tee.Measurement;

namespace Ppml.Tee.Tests.Measurement;

/// <summary>A small published-looking application directory and a fake .NET runtime, so measurement tests stay fast.</summary>
internal static class SyntheticApplication
{
    public static void Write(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, "runtimes", "linux-x64", "native"));
        Directory.CreateDirectory(Path.Combine(directory, "de"));
        File.WriteAllText(Path.Combine(directory, "ppml"), "apphost");
        File.WriteAllText(Path.Combine(directory, "ppml.dll"), "assembly one");
        File.WriteAllText(Path.Combine(directory, "Ppml.Crypto.dll"), "assembly two");
        File.WriteAllText(Path.Combine(directory, "Ppml.Crypto.pdb"), "symbols");
        File.WriteAllText(Path.Combine(directory, "de", "Ppml.Cli.resources.dll"), "satellite");
        File.WriteAllText(Path.Combine(directory, "notes.txt"), "any file counts");
        File.WriteAllText(Path.Combine(directory, ".hidden"), "hidden files count too");
        File.WriteAllText(
            Path.Combine(directory, "ppml.runtimeconfig.json"),
            """{"runtimeOptions": {"tfm": "net10.0", "framework": {"name": "Microsoft.NETCore.App", "version": "10.0.0"}}}""");
        File.WriteAllText(Path.Combine(directory, "runtimes", "linux-x64", "native", "libduckdb.so"), "native");
    }

    /// <summary>A fake installation: one shared framework directory and a muxer.</summary>
    public static IReadOnlyList<RuntimeComponent> WriteRuntime(string root)
    {
        string framework = Path.Combine(root, "shared", "Microsoft.NETCore.App", "10.0.1");
        Directory.CreateDirectory(framework);
        File.WriteAllText(Path.Combine(framework, "System.Private.CoreLib.dll"), "corelib");
        File.WriteAllText(Path.Combine(framework, "libcoreclr.so"), "coreclr");
        File.WriteAllText(Path.Combine(root, "dotnet"), "muxer");
        return [new RuntimeComponent("Microsoft.NETCore.App", framework), new RuntimeComponent("host/dotnet", Path.Combine(root, "dotnet"))];
    }

    public static string Copy(string source, string target)
    {
        foreach (string file in Directory.EnumerateFiles(source, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            string destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }
}
