using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Tests.Fakes;

namespace Ppml.Kms.Server.Tests.Http;

public sealed class KmsEndpointsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateKey_ReleasePolicyOmittingLists_GetsTheDefaultsNotA500()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using HttpClient http = harness.RawHttp();

        using HttpResponseMessage response = await SendAsync(
            http, harness.AdminKey, HttpMethod.Post, "/v1/keys", """{"name": "k", "releasePolicy": {"policyId": "p", "allowSimulation": true}}""");
        string body = await response.Content.ReadAsStringAsync(Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("\"allowedTee\":[\"sgx\",\"tdx\"]", body, StringComparison.Ordinal);
        Assert.Contains("\"allowedTcbStatus\":[\"UpToDate\"]", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAndUnwrap_PlainKey_RoundTripsAndRotationKeepsOldVersions()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient client = harness.Client();

        await client.CreateKeyAsync("datasets", Token);
        using DataKey first = await client.GenerateDataKeyAsync("datasets", Token);
        PrimaryKeyInfo rotated = await client.RotateKeyAsync("datasets", Token);
        using DataKey second = await client.GenerateDataKeyAsync("datasets", Token);

        Assert.Equal(2, rotated.CurrentVersion);
        Assert.Equal(1, first.KeyVersion);
        Assert.Equal(2, second.KeyVersion);
        Assert.Equal(first.Plaintext.ToArray(), await client.UnwrapDataKeyAsync("datasets", 1, first.WrappedKey, Token));
        Assert.Equal(second.Plaintext.ToArray(), await client.UnwrapDataKeyAsync("datasets", 2, second.WrappedKey, Token));
        KmsException wrongVersion = await Assert.ThrowsAsync<KmsException>(() => client.UnwrapDataKeyAsync("datasets", 2, first.WrappedKey, Token));
        Assert.Equal(KmsErrorCode.UnwrapFailed, wrongVersion.Code);
    }

    [Fact]
    public async Task GenerateDataKey_WithoutPlaintext_ReturnsOnlyWrappedKey()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient client = harness.Client();
        await client.CreateKeyAsync("k", Token);

        DataKeyResponse response = await client.GenerateDataKeyAsync("k", includePlaintext: false, Token);

        Assert.Null(response.Plaintext);
        Assert.Equal(81, response.WrappedKey.Length);
    }

    [Fact]
    public async Task Disable_ThenGenerate_Returns409AndKeepsKeyListed()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient client = harness.Client();
        await client.CreateKeyAsync("k", Token);

        KeyDescription disabled = await client.DisableKeyAsync("k", Token);
        KmsException refused = await Assert.ThrowsAsync<KmsException>(() => client.GenerateDataKeyAsync("k", Token));

        Assert.NotNull(disabled.DisabledAt);
        Assert.Equal(KmsErrorCode.KeyDisabled, refused.Code);
        Assert.Contains("409", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Applications_SeeOnlyTheirKeys_AndCannotAdminister()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient admin = harness.Client();
        ApplicationDescription alice = await admin.CreateApplicationAsync(new CreateApplicationRequest { Id = "alice" }, Token);
        ApplicationDescription bob = await admin.CreateApplicationAsync(new CreateApplicationRequest { Id = "bob" }, Token);
        using KmsClient aliceClient = harness.Client(alice.ApiKey);
        using KmsClient bobClient = harness.Client(bob.ApiKey);

        await aliceClient.CreateKeyAsync("alice-key", Token);
        KmsException hidden = await Assert.ThrowsAsync<KmsException>(() => bobClient.GenerateDataKeyAsync("alice-key", Token));
        KmsException notAdmin = await Assert.ThrowsAsync<KmsException>(() => bobClient.CreateApplicationAsync(new CreateApplicationRequest { Id = "mallory" }, Token));
        KmsException disable = await Assert.ThrowsAsync<KmsException>(() => aliceClient.DisableKeyAsync("alice-key", Token));

        Assert.Equal(KmsErrorCode.KeyNotFound, hidden.Code);
        Assert.Empty(await bobClient.ListKeysAsync(Token));
        Assert.Single(await aliceClient.ListKeysAsync(Token));
        Assert.Equal(KmsErrorCode.Forbidden, notAdmin.Code);
        Assert.Equal(KmsErrorCode.Forbidden, disable.Code);
        Assert.StartsWith("ppmlk.", alice.ApiKey, StringComparison.Ordinal);
        Assert.All(await admin.ListApplicationsAsync(Token), a => Assert.Null(a.ApiKey));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer nonsense")]
    [InlineData("Bearer ppmlk.000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    public async Task Request_WithoutValidApiKey_Returns401Problem(string? authorization)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using HttpClient http = harness.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/keys");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using HttpResponseMessage response = await http.SendAsync(request, Token);
        ProblemResponse problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("urn:ppml:kms:unauthenticated", problem.Type);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
    }

    [Fact]
    public async Task ApiKey_WithRightIdButWrongSecret_Returns401()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        string admin = harness.AdminKey;
        string forged = admin[..^4] + (admin.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        using KmsClient client = harness.Client(forged);

        KmsException refused = await Assert.ThrowsAsync<KmsException>(() => client.ListKeysAsync(Token));

        Assert.Equal(KmsErrorCode.Unauthenticated, refused.Code);
    }

    [Theory]
    [InlineData("{", "not a valid")]
    [InlineData("{\"name\":\"k\",\"surprise\":1}", "surprise")]
    [InlineData("{}", "name")]
    [InlineData("{\"name\":null}", "name")]
    [InlineData("[]", "not a valid")]
    [InlineData("{\"name\":\"bad name!\"}", "invalid")]
    public async Task CreateKey_MalformedBody_Returns400WithReason(string body, string mentions)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using HttpClient http = harness.RawHttp();

        using HttpResponseMessage response = await SendAsync(http, harness.AdminKey, HttpMethod.Post, "/v1/keys", body);
        ProblemResponse problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(mentions, problem.Detail!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Request_OversizedBody_Returns413()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using HttpClient http = harness.RawHttp();
        string body = "{\"name\":\"" + new string('a', (int)KmsServerOptions.MaxRequestBodySize) + "\"}";

        using HttpResponseMessage response = await SendAsync(http, harness.AdminKey, HttpMethod.Post, "/v1/keys", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Request_UnknownKeyAndRoute_Return404Problems()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using HttpClient http = harness.RawHttp();

        using HttpResponseMessage key = await SendAsync(http, harness.AdminKey, HttpMethod.Post, "/v1/keys/nope/datakey", null);
        using HttpResponseMessage route = await SendAsync(http, harness.AdminKey, HttpMethod.Get, "/v2/whatever", null);
        using HttpResponseMessage method = await SendAsync(http, harness.AdminKey, HttpMethod.Delete, "/v1/keys", null);

        Assert.Equal(HttpStatusCode.NotFound, key.StatusCode);
        Assert.Equal("urn:ppml:kms:key-not-found", (await ReadProblemAsync(key)).Type);
        Assert.Equal(HttpStatusCode.NotFound, route.StatusCode);
        Assert.Equal("urn:ppml:kms:not-found", (await ReadProblemAsync(route)).Type);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.StatusCode);
    }

    [Fact]
    public async Task PublicDocuments_HealthJwksOpenApi_AreServedWithoutApiKey()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using HttpClient http = harness.RawHttp();

        string health = await http.GetStringAsync("/healthz", Token);
        using JsonDocument jwks = JsonDocument.Parse(await http.GetStringAsync("/.well-known/jwks.json", Token));
        using JsonDocument openApi = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json", Token));

        Assert.Contains("ok", health, StringComparison.Ordinal);
        JsonElement key = Assert.Single(jwks.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.False(key.TryGetProperty("d", out _));
        JsonElement paths = openApi.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/keys/{name}/unwrap", out _));
        Assert.True(paths.TryGetProperty("/v1/attest", out _));
    }

    [Fact]
    public async Task Restart_KeepsKeysApplicationsAndAuditChain()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        DataKey dataKey;
        string appKey;
        using (KmsClient client = harness.Client())
        {
            await client.CreateKeyAsync("k", Token);
            dataKey = await client.GenerateDataKeyAsync("k", Token);
            appKey = (await client.CreateApplicationAsync(new CreateApplicationRequest { Id = "app1" }, Token)).ApiKey!;
        }

        await harness.RestartAsync();
        using KmsClient again = harness.Client();
        using KmsClient app = harness.Client(appKey);

        Assert.False(harness.Server.IsNewStore);
        Assert.Equal(dataKey.Plaintext.ToArray(), await again.UnwrapDataKeyAsync("k", 1, dataKey.WrappedKey, Token));
        Assert.Single(await app.ListKeysAsync(Token)); // an admin's key without allowedApplications serves every application
        IReadOnlyList<AuditRecord> audit = await again.ListAuditAsync(0, 1000, Token);
        Assert.Equal(Enumerable.Range(1, audit.Count).Select(i => (long)i), audit.Select(a => a.Sequence));
        Assert.Contains(audit, a => a.Action == "datakey.generate" && a.Target == "k" && a.Result == "ok");
        using HttpClient http = harness.RawHttp();
        using HttpResponseMessage verify = await SendAsync(http, harness.AdminKey, HttpMethod.Get, "/v1/audit/verify", null);
        Assert.Contains("\"intact\":true", await verify.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        dataKey.Dispose();
    }

    [Fact]
    public async Task ReadAudits_AnsweredBeforeTheirCommit_AllReachTheChain()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using (KmsClient client = harness.Client())
        {
            await client.CreateKeyAsync("k", Token);
            await Parallel.ForAsync(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Token }, async (_, token) =>
            {
                using DataKey dataKey = await client.GenerateDataKeyAsync("k", token);
                await client.UnwrapDataKeyAsync("k", dataKey.KeyVersion, dataKey.WrappedKey, token);
            });
        }

        await harness.RestartAsync();
        using KmsClient again = harness.Client();
        IReadOnlyList<AuditRecord> audit = await again.ListAuditAsync(0, 1000, Token);

        Assert.Equal(100, audit.Count(a => a.Action == "datakey.generate" && a.Result == "ok"));
        Assert.Equal(100, audit.Count(a => a.Action == "datakey.unwrap" && a.Result == "ok"));
        Assert.Equal(Enumerable.Range(1, audit.Count).Select(i => (long)i), audit.Select(a => a.Sequence));
        Assert.Equal("key.create", audit[0].Action);
    }

    [Fact]
    public async Task DurableReadAudits_ReadIsAuditedBeforeTheAnswer()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync(configure: options => options.DurableReadAudits = true);
        using KmsClient client = harness.Client();
        await client.CreateKeyAsync("k", Token);

        for (int i = 1; i <= 5; i++)
        {
            using DataKey dataKey = await client.GenerateDataKeyAsync("k", Token);
            IReadOnlyList<AuditRecord> audit = await client.ListAuditAsync(0, 1000, Token);
            Assert.Equal(i, audit.Count(a => a.Action == "datakey.generate"));
        }
    }

    internal static async Task<HttpResponseMessage> SendAsync(HttpClient http, string? apiKey, HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    internal static async Task<ProblemResponse> ReadProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), KmsWireJsonContext.Default.ProblemResponse)!;
    }
}
