using Ppml.Tee.Measurement;
using Ppml.Testing;

namespace Ppml.Tee.Tests.Measurement;

public class RuntimeLocatorTests
{
    [Fact]
    public void ForRunningApplication_DirectoryOfTwoPrograms_MeasuresTheFrameworksOfBoth()
    {
        // ppml (NETCore + AspNetCore) and a sample shipped beside it (NETCore only) share one directory and one signature:
        // the sample's process, which loads no ASP.NET Core, must still measure what the signer measured.
        string version = Environment.Version.ToString(2) + ".0";
        using var app = new TempDirectory();
        File.WriteAllText(app.Combine("ppml.runtimeconfig.json"), RuntimeConfig(("Microsoft.NETCore.App", version), ("Microsoft.AspNetCore.App", version)));
        File.WriteAllText(app.Combine("Hello.runtimeconfig.json"), RuntimeConfig(("Microsoft.NETCore.App", version)));

        IReadOnlyList<RuntimeComponent> signer = RuntimeLocator.ForApplication(app.Path, AppContext.GetData);
        IReadOnlyList<RuntimeComponent> running = RuntimeLocator.ForRunningApplication(app.Path, AppContext.GetData);

        Assert.Contains(running, c => c.Name == "Microsoft.AspNetCore.App");
        Assert.Equal(signer, running);
    }

    [Fact]
    public void ForRunningApplication_TakesLoadedFrameworksFromWhereTheyWereLoaded()
    {
        using var app = new TempDirectory();
        IReadOnlyList<RuntimeComponent> loaded = RuntimeLocator.ForCurrentProcess(AppContext.GetData);

        IReadOnlyList<RuntimeComponent> running = RuntimeLocator.ForRunningApplication(app.Path, AppContext.GetData);

        Assert.NotEmpty(loaded);
        Assert.All(loaded, component => Assert.Contains(component, running));
    }

    private static string RuntimeConfig(params (string Name, string Version)[] frameworks) =>
        "{\"runtimeOptions\": {\"tfm\": \"net10.0\", \"frameworks\": ["
        + string.Join(", ", frameworks.Select(f => $"{{\"name\": \"{f.Name}\", \"version\": \"{f.Version}\"}}"))
        + "]}}";
}
