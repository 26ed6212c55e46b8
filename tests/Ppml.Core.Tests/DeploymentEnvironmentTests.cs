namespace Ppml.Core.Tests;

public class DeploymentEnvironmentTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("development", false)]
    [InlineData("production", true)]
    public void IsProduction_KnownValue_IsRead(string? value, bool expected) =>
        Assert.Equal(expected, DeploymentEnvironment.IsProduction(_ => value));

    // Each of these was once read as "not production" and so allowed simulation (issue 10).
    [Theory]
    [InlineData(" production")]
    [InlineData("production ")]
    [InlineData("prod")]
    [InlineData("Production")]
    [InlineData("PRODUCTION")]
    [InlineData("")]
    [InlineData("staging")]
    public void IsProduction_NearMiss_Throws(string value)
    {
        InvalidSettingException exception = Assert.Throws<InvalidSettingException>(() => DeploymentEnvironment.IsProduction(_ => value));

        Assert.Equal("PPML_ENVIRONMENT", exception.Setting);
        Assert.Contains("production or development", exception.Message, StringComparison.Ordinal);
    }
}
