namespace Ppml.Core;

/// <summary>
/// The one parser and printer of TEE names (<c>PPML_TEE</c>, the workspace's <c>"tee"</c>, attestation tokens).
/// It is strict: the accepted spellings are exactly <c>sgx</c>, <c>tdx</c>, <c>simulation</c> (and <c>auto</c> for a
/// request); anything else — other case, surrounding spaces, an abbreviation — is an error, never a default.
/// </summary>
public static class TeeKinds
{
    /// <summary>The environment variable that requests a TEE.</summary>
    public const string EnvironmentVariable = "PPML_TEE";

    /// <summary>The name of <see cref="TeeKind.Sgx"/>.</summary>
    public const string Sgx = "sgx";

    /// <summary>The name of <see cref="TeeKind.Tdx"/>.</summary>
    public const string Tdx = "tdx";

    /// <summary>The name of <see cref="TeeKind.Simulation"/>.</summary>
    public const string Simulation = "simulation";

    /// <summary>The request for detection.</summary>
    public const string Auto = "auto";

    /// <summary>The lowercase name of <paramref name="kind"/>.</summary>
    /// <param name="kind">The TEE kind.</param>
    /// <returns><c>sgx</c>, <c>tdx</c> or <c>simulation</c>.</returns>
    public static string ToName(this TeeKind kind) => kind switch
    {
        TeeKind.Sgx => Sgx,
        TeeKind.Tdx => Tdx,
        TeeKind.Simulation => Simulation,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a TEE kind."),
    };

    /// <summary>Parses a TEE name (no <c>auto</c>).</summary>
    /// <param name="value">The text.</param>
    /// <param name="setting">Where the text came from, for the error message.</param>
    /// <returns>The kind.</returns>
    /// <exception cref="InvalidSettingException">The text is not exactly one of the names.</exception>
    public static TeeKind Parse(string value, string setting)
    {
        ArgumentNullException.ThrowIfNull(value);
        return ParseRequest(value, setting) ?? throw new InvalidSettingException(setting, value, "sgx, tdx or simulation");
    }

    /// <summary>Parses a TEE request: a name, or <c>auto</c> (detect).</summary>
    /// <param name="value">The text.</param>
    /// <param name="setting">Where the text came from, for the error message.</param>
    /// <returns>The kind, or <see langword="null"/> for <c>auto</c>.</returns>
    /// <exception cref="InvalidSettingException">The text is not exactly one of the names or <c>auto</c>.</exception>
    public static TeeKind? ParseRequest(string value, string setting)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentException.ThrowIfNullOrEmpty(setting);
        return value switch
        {
            Sgx => TeeKind.Sgx,
            Tdx => TeeKind.Tdx,
            Simulation => TeeKind.Simulation,
            Auto => null,
            _ => throw new InvalidSettingException(setting, value, "sgx, tdx, simulation or auto"),
        };
    }

    /// <summary>
    /// The request in <c>PPML_TEE</c>: <see langword="null"/> when the variable is unset, else its strict parse.
    /// An empty value is an error too (it is set, to nothing).
    /// </summary>
    /// <param name="getEnvironmentVariable">The environment lookup.</param>
    /// <param name="request">The parsed request (<see langword="null"/> for <c>auto</c>).</param>
    /// <returns>Whether the variable is set.</returns>
    /// <exception cref="InvalidSettingException">The variable is set to anything but a name or <c>auto</c>.</exception>
    public static bool TryReadEnvironment(Func<string, string?> getEnvironmentVariable, out TeeKind? request)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        string? value = getEnvironmentVariable(EnvironmentVariable);
        if (value is null)
        {
            request = null;
            return false;
        }

        request = ParseRequest(value, EnvironmentVariable);
        return true;
    }
}
