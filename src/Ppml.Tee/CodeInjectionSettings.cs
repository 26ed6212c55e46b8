namespace Ppml.Tee;

/// <summary>
/// Settings that make the .NET host or the dynamic loader run code that is not the measured application: startup
/// hooks, additional deps and shared stores, profilers, <c>LD_PRELOAD</c>/<c>LD_AUDIT</c>, and a
/// <c>*.runtimeconfig.dev.json</c> (extra probing paths). The TEE runtime refuses to produce evidence while any is in
/// effect, in every TEE kind: the quote would vouch for code that is not the code that runs.
/// </summary>
internal static class CodeInjectionSettings
{
    private static readonly string[] s_runtimeSettings =
    [
        "STARTUP_HOOKS",
        "ADDITIONAL_DEPS",
        "SHARED_STORE",
        "ENABLE_PROFILING",
        "PROFILER",
        "PROFILER_PATH",
        "PROFILER_PATH_32",
        "PROFILER_PATH_64",
        "PROFILER_PATH_ARM32",
        "PROFILER_PATH_ARM64",
        "ENABLE_NOTIFICATION_PROFILERS",
        "NOTIFICATION_PROFILERS",
        "NOTIFICATION_PROFILERS_32",
        "NOTIFICATION_PROFILERS_64",
        "NOTIFICATION_PROFILERS_ARM32",
        "NOTIFICATION_PROFILERS_ARM64",
    ];

    /// <summary>Every environment variable that is refused when set (to anything, empty included).</summary>
    public static IReadOnlyList<string> EnvironmentVariables { get; } =
    [
        .. s_runtimeSettings.SelectMany(s => new[] { "DOTNET_" + s, "CORECLR_" + s, "COMPlus_" + s }),
        "LD_PRELOAD",
        "LD_AUDIT",
    ];

    /// <summary>Throws when a code-injection setting is in effect.</summary>
    /// <param name="getEnvironmentVariable">The environment.</param>
    /// <param name="getAppContextData">The AppContext properties (<c>STARTUP_HOOKS</c>).</param>
    /// <param name="applicationDirectory">The application directory (for <c>*.runtimeconfig.dev.json</c>).</param>
    /// <exception cref="TeeException">A setting is present (named, with the fix).</exception>
    public static void Check(Func<string, string?> getEnvironmentVariable, Func<string, object?> getAppContextData, string applicationDirectory)
    {
        foreach (string variable in EnvironmentVariables)
        {
            if (getEnvironmentVariable(variable) is not null)
            {
                throw new TeeException(
                    $"Environment variable {variable} is set: it makes the process load code that is not measured; unset it. Refusing to produce evidence.");
            }
        }

        if (getAppContextData("STARTUP_HOOKS") is string hooks && hooks.Length > 0)
        {
            throw new TeeException(
                "The AppContext property STARTUP_HOOKS is set (startup hooks run code that is not measured); remove it from the runtimeconfig and unset DOTNET_STARTUP_HOOKS. Refusing to produce evidence.");
        }

        if (Directory.Exists(applicationDirectory))
        {
            string? development = Directory.EnumerateFiles(applicationDirectory, "*.runtimeconfig.dev.json").Order(StringComparer.Ordinal).FirstOrDefault();
            if (development is not null)
            {
                throw new TeeException(
                    $"File '{development}' adds probing paths outside the measured application; delete it (publish without it). Refusing to produce evidence.");
            }
        }
    }
}
