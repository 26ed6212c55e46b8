using System.Net;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Tests.Fakes;

namespace Ppml.Kms.Server.Tests.Regressions;

/// <summary>
/// Issue 10: a JSON object with a duplicate member (two "mrEnclave", two "allowSimulation") is refused with a 400 naming
/// the member, in release policies, appraisal policies and every other request body: one parser must not read the first
/// value where another reads the last.
/// </summary>
public sealed class Issue10_DuplicateJsonMembers
{
    private static readonly string s_a = new('a', 64);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string, string> Requests => new()
    {
        // A release policy that would mean "any enclave" to a last-wins reader and a specific one to a first-wins reader.
        { "POST", "v1/keys", $$$"""{"name":"k","releasePolicy":{"mrEnclave":["{{{s_a}}}"],"mrEnclave":[]}}""", "mrEnclave" },
        { "POST", "v1/keys", """{"name":"k","releasePolicy":{"allowSimulation":false,"allowSimulation":true}}""", "allowSimulation" },
        { "PUT", "v1/policies/p", $$$"""{"policy":{"sgx":{"mrEnclave":["{{{s_a}}}"]},"allowExpiredCollateral":false,"allowExpiredCollateral":true}}""", "allowExpiredCollateral" },
        { "PUT", "v1/policies/p", $$$"""{"policy":{"sgx":{"mrEnclave":[],"mrEnclave":["{{{s_a}}}"]}},"description":"d"}""", "mrEnclave" },
        { "POST", "v1/keys/existing/unwrap", """{"keyVersion":1,"wrappedKey":"AAAA","keyVersion":2}""", "keyVersion" },
        { "POST", "v1/keys/existing/datakey", """{"includePlaintext":false,"includePlaintext":true}""", "includePlaintext" },
        { "POST", "v1/keys/existing/wrap", """{"plaintext":"AAAA","plaintext":"BBBB"}""", "plaintext" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Request_DuplicateMember_Returns400NamingIt(string method, string path, string body, string member)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using (KmsClient admin = harness.Client())
        {
            await admin.CreateKeyAsync(new CreateKeyRequest { Name = "existing", ReleasePolicy = new KeyReleasePolicy { AllowSimulation = true } }, Token);
        }

        using HttpClient http = Issue10_GuardedKeyPlaintextRules.RawHttp(harness, harness.AdminKey);

        using HttpResponseMessage response = method == "PUT"
            ? await Issue10_GuardedKeyPlaintextRules.PutAsync(http, path, body)
            : await Issue10_GuardedKeyPlaintextRules.PostAsync(http, path, body);
        string detail = await response.Content.ReadAsStringAsync(Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"Duplicate property '{member}'", Issue10_GuardedKeyPlaintextRules.Detail(detail), StringComparison.Ordinal);
        Assert.DoesNotContain("\"plaintext\":\"", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void WireContext_DuplicateMemberInReleasePolicyFile_IsRefused()
    {
        // `ppml kms key create --release-policy FILE` reads the file with the wire context before sending it.
        System.Text.Json.JsonException refused = Assert.Throws<System.Text.Json.JsonException>(() =>
            System.Text.Json.JsonSerializer.Deserialize("""{"allowSimulation":false,"allowSimulation":true}""", KmsWireJsonContext.Default.KeyReleasePolicy));

        Assert.Contains("allowSimulation", refused.Message, StringComparison.Ordinal);
    }
}
