namespace Ppml.Cli.Tests.Regressions;

/// <summary>
/// The tests that run <c>dotnet pack</c> on src/ (Issue10_Samples, Issue11_ToolInstall) run one after the other: two builds
/// of the same projects at once would write the same obj/ and bin/ folders.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PackingTests
{
    public const string Name = "dotnet pack of src/";
}
