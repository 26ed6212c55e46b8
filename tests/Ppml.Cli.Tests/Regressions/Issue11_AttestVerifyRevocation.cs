using System.Text.Json;

namespace Ppml.Cli.Tests.Regressions;

/// <summary>Issue 11, item 21: <c>ppml attest verify</c> requires revocation data unless <c>--no-revocation</c> is given.</summary>
public sealed class Issue11_AttestVerifyRevocation
{
    private static readonly string[] s_withoutCrls =
    [
        "attest", "verify", "quote.bin", "--root", "sim/root-ca.pem", "--tcb-info", "sim/tcbinfo-sgx.json",
        "--qe-identity", "sim/qe-identity.json", "--tcb-signing-chain", "sim/tcb-signing-chain.pem",
    ];

    [Fact]
    public async Task Verify_WithoutCrls_ExitsOneUnlessNoRevocation()
    {
        using var cli = new CliHarness();
        Assert.Equal(0, (await cli.RunAsync("attest", "sim-platform", "--out", "sim")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("attest", "quote", "--platform", "sim", "--report-data", "c0ffee", "--out", "quote.bin", "--mr-signer", "aa" + new string('0', 62))).ExitCode);

        CliResult required = await cli.RunAsync([.. s_withoutCrls, "--json"]);
        CliResult turnedOff = await cli.RunAsync([.. s_withoutCrls, "--no-revocation"]);
        CliResult turnedOffJson = await cli.RunAsync([.. s_withoutCrls, "--no-revocation", "--json"]);
        CliResult withCrls = await cli.RunAsync([.. s_withoutCrls, "--root-crl", "sim/root-ca.crl", "--pck-crl", "sim/pck-ca.crl", "--json"]);

        Assert.Equal(1, required.ExitCode);
        using (var document = JsonDocument.Parse(required.Output))
        {
            Assert.Equal("STATUS_MISSING_PARAMETERS", document.RootElement.GetProperty("error").GetProperty("code").GetString());
            Assert.Contains("--no-revocation", document.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.True(turnedOff.ExitCode == 0, turnedOff.ToString());
        Assert.Contains("revocation checked: no", turnedOff.Output, StringComparison.Ordinal);
        Assert.Contains("revocation not checked", turnedOff.Output, StringComparison.Ordinal);
        using (var document = JsonDocument.Parse(turnedOffJson.Output))
        {
            Assert.False(document.RootElement.GetProperty("revocationChecked").GetBoolean());
        }

        Assert.True(withCrls.ExitCode == 0, withCrls.ToString());
    }

    [Fact]
    public async Task Verify_NoRevocationWithPolicyThatRequiresIt_IsRejectedByThePolicy()
    {
        using var cli = new CliHarness();
        Assert.Equal(0, (await cli.RunAsync("attest", "sim-platform", "--out", "sim")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("attest", "quote", "--platform", "sim", "--report-data", "c0ffee", "--out", "quote.bin", "--mr-signer", "aa" + new string('0', 62))).ExitCode);
        string signer = """{"sgx": {"signers": [{"mrSigner": "aa00000000000000000000000000000000000000000000000000000000000000", "isvProdId": 0}]}""";
        cli.Write("default.json", signer + "}");
        cli.Write("off.json", signer + """, "requireRevocationCheck": false}""");

        CliResult byDefault = await cli.RunAsync([.. s_withoutCrls, "--no-revocation", "--policy", "default.json"]);
        CliResult off = await cli.RunAsync([.. s_withoutCrls, "--policy", "off.json"]);

        Assert.Equal(1, byDefault.ExitCode);
        Assert.Contains("requireRevocationCheck", byDefault.Output, StringComparison.Ordinal);
        Assert.True(off.ExitCode == 0, off.ToString());
        Assert.Contains("revocation checked: no", off.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyHelp_DescribesNoRevocation()
    {
        using var cli = new CliHarness();

        CliResult help = await cli.RunAsync("attest", "verify", "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--no-revocation", help.Output, StringComparison.Ordinal);
    }
}
