namespace Ppml.Core.Tests;

public class TeeKindsTests
{
    [Theory]
    [InlineData("sgx", TeeKind.Sgx)]
    [InlineData("tdx", TeeKind.Tdx)]
    [InlineData("simulation", TeeKind.Simulation)]
    public void Parse_ExactName_ReturnsKindAndPrintsBack(string text, TeeKind expected)
    {
        TeeKind kind = TeeKinds.Parse(text, "PPML_TEE");

        Assert.Equal(expected, kind);
        Assert.Equal(text, kind.ToName());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" simulation")]
    [InlineData("simulation ")]
    [InlineData("Simulation")]
    [InlineData("sim")]
    [InlineData("SGX")]
    [InlineData("none")]
    public void ParseRequest_NearMiss_ThrowsNamingTheSetting(string text)
    {
        InvalidSettingException exception = Assert.Throws<InvalidSettingException>(() => TeeKinds.ParseRequest(text, "PPML_TEE"));

        Assert.Equal("PPML_TEE", exception.Setting);
        Assert.StartsWith("PPML_TEE is '", exception.Message, StringComparison.Ordinal);
        Assert.Contains("sgx, tdx, simulation or auto", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseRequest_Auto_ReturnsNull() => Assert.Null(TeeKinds.ParseRequest("auto", "PPML_TEE"));

    [Fact]
    public void Parse_Auto_IsNotAKind() => Assert.Throws<InvalidSettingException>(() => TeeKinds.Parse("auto", "token tee"));

    [Fact]
    public void TryReadEnvironment_Unset_ReturnsFalse()
    {
        Assert.False(TeeKinds.TryReadEnvironment(_ => null, out TeeKind? request));
        Assert.Null(request);
    }

    [Fact]
    public void TryReadEnvironment_ControlCharacters_AreEscapedInTheMessage()
    {
        InvalidSettingException exception = Assert.Throws<InvalidSettingException>(() => TeeKinds.TryReadEnvironment(_ => "sgx\n", out _));

        Assert.Contains("sgx\\u000a", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', exception.Message);
    }
}
