namespace Ppml.Core;

/// <summary>
/// A setting (an environment variable, a configuration field or an option) has a value outside its closed set.
/// The message names the setting, the value found and the values accepted.
/// </summary>
public sealed class InvalidSettingException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="setting">The setting, e.g. <c>PPML_TEE</c> or <c>config.json "tee"</c>.</param>
    /// <param name="value">The value found.</param>
    /// <param name="accepted">The values accepted, e.g. <c>sgx, tdx, simulation or auto</c>.</param>
    public InvalidSettingException(string setting, string value, string accepted)
        : base($"{setting} is '{Printable(value)}'; use {accepted} (exactly, lowercase, without spaces).")
    {
        Setting = setting;
    }

    /// <summary>The setting that was wrong.</summary>
    public string Setting { get; }

    // The value may come from a hostile environment: show control characters escaped and keep the line short.
    private static string Printable(string value)
    {
        string shown = value.Length > 40 ? value[..40] + "..." : value;
        return string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
