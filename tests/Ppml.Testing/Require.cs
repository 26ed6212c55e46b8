namespace Ppml.Testing;

/// <summary>Guards for tests that need an external service or file (STYLE.md §10).</summary>
public static class Require
{
    /// <summary>Fails under CI=true, skips locally, when <paramref name="available"/> is false.</summary>
    public static void Service(bool available, string what, string fix)
    {
        if (available)
        {
            return;
        }

        string message = $"{what} is unavailable. {fix}";
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
    }
}
