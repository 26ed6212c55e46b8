namespace Ppml.Tee.Measurement;

/// <summary>A file that is part of the measurement: its name in the measurement and where it is.</summary>
/// <param name="Name">Relative '/'-separated path in the application directory, or <c>runtime:&lt;component&gt;/&lt;path&gt;</c>.</param>
/// <param name="FullPath">The file on disk.</param>
internal sealed record MeasuredEntry(string Name, string FullPath)
{
    /// <summary>How an error message names the file, quoted: the path, or the runtime name and the path.</summary>
    public string Display => Name.StartsWith(RuntimeComponent.Prefix, StringComparison.Ordinal) ? $"'{Name}' ('{FullPath}')" : $"'{FullPath}'";
}
