namespace Ppml.Tee.Measurement;

/// <summary>
/// A part of the .NET installation the application runs on, measured with it: a shared framework directory
/// (<c>…/shared/Microsoft.NETCore.App/10.0.x</c>), the host resolver directory (<c>…/host/fxr</c>) or the
/// <c>dotnet</c> muxer. Its files are recorded as <c>runtime:&lt;Name&gt;/&lt;relative path&gt;</c> (a directory) or
/// <c>runtime:&lt;Name&gt;</c> (a single file).
/// </summary>
/// <param name="Name">The name in the measurement, e.g. <c>Microsoft.NETCore.App</c>, <c>host/fxr</c>, <c>host/dotnet</c>.</param>
/// <param name="Path">The directory or file.</param>
public sealed record RuntimeComponent(string Name, string Path)
{
    /// <summary>The prefix of runtime entries in the measured file list.</summary>
    public const string Prefix = "runtime:";
}
