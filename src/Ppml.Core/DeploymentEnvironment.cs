namespace Ppml.Core;

/// <summary>
/// Where the process is deployed, from <c>PPML_ENVIRONMENT</c>: <c>production</c> refuses simulation everywhere
/// (runtime, KMS server, workspace creation); <c>development</c> or unset allows it when asked for explicitly.
/// The parse is strict: <c>" production"</c>, <c>"Production"</c> or <c>"prod"</c> are errors, so a near miss never
/// turns the production guard off.
/// </summary>
public static class DeploymentEnvironment
{
    /// <summary>The environment variable.</summary>
    public const string EnvironmentVariable = "PPML_ENVIRONMENT";

    /// <summary>The production value.</summary>
    public const string Production = "production";

    /// <summary>The development value (the default when unset).</summary>
    public const string Development = "development";

    /// <summary>Whether the environment says production.</summary>
    /// <param name="getEnvironmentVariable">The environment lookup.</param>
    /// <returns><see langword="true"/> for <c>production</c>; <see langword="false"/> for <c>development</c> or unset.</returns>
    /// <exception cref="InvalidSettingException">The variable is set to anything else (empty included).</exception>
    public static bool IsProduction(Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        return getEnvironmentVariable(EnvironmentVariable) switch
        {
            null or Development => false,
            Production => true,
            string other => throw new InvalidSettingException(EnvironmentVariable, other, $"{Production} or {Development}"),
        };
    }
}
