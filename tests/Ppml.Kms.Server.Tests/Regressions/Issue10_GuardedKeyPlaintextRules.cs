using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Crypto;
using Ppml.Kms.Server.Storage;
using Ppml.Kms.Server.Tests.Fakes;

namespace Ppml.Kms.Server.Tests.Regressions;

/// <summary>
/// Issue 10: a key with a release policy hands plaintext data keys only to the data owner (admins, the key's producers)
/// and unwraps in plaintext without attestation only for admins and the key's readers. Each test performs the attack.
/// </summary>
public sealed class Issue10_GuardedKeyPlaintextRules
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GenerateDataKey_PlainApplicationAsksPlaintextOfGuardedKey_Returns403WithoutPlaintext()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient admin = harness.Client();
        string workload = await CreateApplicationAsync(admin, "workload");
        await CreateGuardedKeyAsync(admin, "guarded", producers: null, readers: null);
        using HttpClient http = RawHttp(harness, workload);

        using HttpResponseMessage asked = await PostAsync(http, "v1/keys/guarded/datakey", """{"includePlaintext":true}""");
        string askedBody = await asked.Content.ReadAsStringAsync(Token);
        using HttpResponseMessage absent = await http.PostAsync("v1/keys/guarded/datakey", null, Token);
        string absentBody = await absent.Content.ReadAsStringAsync(Token);
        using KmsClient client = harness.Client(workload);
        KmsException viaClient = await Assert.ThrowsAsync<KmsException>(() => client.GenerateDataKeyAsync("guarded", Token));

        Assert.Equal(HttpStatusCode.Forbidden, asked.StatusCode);
        Assert.DoesNotContain("\"plaintext\"", askedBody, StringComparison.Ordinal);
        Assert.DoesNotContain("wrappedKey", askedBody, StringComparison.Ordinal);
        Assert.Contains("not one of its producers", Detail(askedBody), StringComparison.Ordinal);
        Assert.Contains("PUT /v1/keys/guarded/access", Detail(askedBody), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, absent.StatusCode);
        using (JsonDocument answer = JsonDocument.Parse(absentBody))
        {
            Assert.False(answer.RootElement.TryGetProperty("plaintext", out _));
            Assert.Equal(DataKeyWrapping.WrappedSize, answer.RootElement.GetProperty("wrappedKey").GetBytesFromBase64().Length);
        }

        Assert.Equal(KmsErrorCode.Forbidden, viaClient.Code);
    }

    [Fact]
    public async Task GenerateDataKey_BodyAbsentForUnguardedKey_AnswersNoPlaintext()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient admin = harness.Client();
        await admin.CreateKeyAsync(new CreateKeyRequest { Name = "plain" }, Token);
        using HttpClient http = RawHttp(harness, harness.AdminKey);

        using HttpResponseMessage absent = await http.PostAsync("v1/keys/plain/datakey", null, Token);
        using HttpResponseMessage empty = await PostAsync(http, "v1/keys/plain/datakey", "{}");

        Assert.Equal(HttpStatusCode.OK, absent.StatusCode);
        Assert.DoesNotContain("plaintext", await absent.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.DoesNotContain("plaintext", await empty.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.False(new GenerateDataKeyRequest().IncludePlaintext);
    }

    [Fact]
    public async Task GuardedKey_ProducerGetsPlaintext_ReaderUnwrapsWithoutToken_OthersRefused()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient admin = harness.Client();
        string producer = await CreateApplicationAsync(admin, "owner-encrypt");
        string reader = await CreateApplicationAsync(admin, "owner-decrypt");
        string workload = await CreateApplicationAsync(admin, "workload");
        KeyDescription created = await CreateGuardedKeyAsync(admin, "guarded", ["owner-encrypt"], ["owner-decrypt"]);
        using KmsClient producerClient = harness.Client(producer);
        using KmsClient readerClient = harness.Client(reader);
        using KmsClient workloadClient = harness.Client(workload);

        using DataKey produced = await producerClient.GenerateDataKeyAsync("guarded", Token);
        byte[] read = await readerClient.UnwrapDataKeyAsync("guarded", produced.KeyVersion, produced.WrappedKey, Token);
        byte[] readByAdmin = await admin.UnwrapDataKeyAsync("guarded", produced.KeyVersion, produced.WrappedKey, Token);
        KmsException workloadUnwrap = await Assert.ThrowsAsync<KmsException>(() => workloadClient.UnwrapDataKeyAsync("guarded", produced.KeyVersion, produced.WrappedKey, Token));
        KmsException producerUnwrap = await Assert.ThrowsAsync<KmsException>(() => producerClient.UnwrapDataKeyAsync("guarded", produced.KeyVersion, produced.WrappedKey, Token));
        KmsException readerGenerates = await Assert.ThrowsAsync<KmsException>(() => readerClient.GenerateDataKeyAsync("guarded", Token));
        DataKeyResponse wrappedOnly = await workloadClient.GenerateDataKeyAsync("guarded", includePlaintext: false, Token);

        Assert.Equal(["owner-encrypt"], created.Producers);
        Assert.Equal(["owner-decrypt"], created.Readers);
        Assert.Equal(32, produced.Plaintext.Length);
        Assert.Equal(produced.Plaintext.ToArray(), read);
        Assert.Equal(produced.Plaintext.ToArray(), readByAdmin);
        Assert.Equal(KmsErrorCode.Forbidden, workloadUnwrap.Code);
        Assert.Contains("attestationToken", workloadUnwrap.Message, StringComparison.Ordinal);
        Assert.Equal(KmsErrorCode.Forbidden, producerUnwrap.Code);
        Assert.Equal(KmsErrorCode.Forbidden, readerGenerates.Code);
        Assert.Null(wrappedOnly.Plaintext);
        Assert.NotEmpty(wrappedOnly.WrappedKey);
    }

    [Fact]
    public async Task SetKeyAccess_AdminAddsReader_ThenItUnwraps_ApplicationCannotAddItself()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient admin = harness.Client();
        string workload = await CreateApplicationAsync(admin, "workload");
        await CreateGuardedKeyAsync(admin, "guarded", producers: null, readers: null);
        using DataKey dataKey = await admin.GenerateDataKeyAsync("guarded", Token);
        using HttpClient workloadHttp = RawHttp(harness, workload);
        using HttpClient adminHttp = RawHttp(harness, harness.AdminKey);
        using KmsClient workloadClient = harness.Client(workload);

        using HttpResponseMessage selfGrant = await PutAsync(workloadHttp, "v1/keys/guarded/access", """{"readers":["workload"],"producers":["workload"]}""");
        using HttpResponseMessage selfCreate = await PostAsync(workloadHttp, "v1/keys", """{"name":"mine","producers":["workload"],"releasePolicy":{"allowSimulation":true}}""");
        KmsException before = await Assert.ThrowsAsync<KmsException>(() => workloadClient.UnwrapDataKeyAsync("guarded", 1, dataKey.WrappedKey, Token));
        using HttpResponseMessage granted = await PutAsync(adminHttp, "v1/keys/guarded/access", """{"readers":["workload"]}""");
        byte[] after = await workloadClient.UnwrapDataKeyAsync("guarded", 1, dataKey.WrappedKey, Token);
        await harness.RestartAsync();
        using KmsClient adminAgain = harness.Client();
        KeyDescription reloaded = await adminAgain.DescribeKeyAsync("guarded", Token);

        Assert.Equal(HttpStatusCode.Forbidden, selfGrant.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, selfCreate.StatusCode);
        Assert.Contains("'producers' and 'readers'", Detail(await selfCreate.Content.ReadAsStringAsync(Token)), StringComparison.Ordinal);
        Assert.Equal(KmsErrorCode.Forbidden, before.Code);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal(dataKey.Plaintext.ToArray(), after);
        Assert.Equal(["workload"], reloaded.Readers);
        Assert.Empty(reloaded.Producers);
    }

    [Fact]
    public async Task Open_StoreWithoutProducerColumns_ReadsEmptyLists_AndStillRefusesPlaintext()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using (KmsClient admin = harness.Client())
        {
            await CreateApplicationAsync(admin, "workload", harness.Temp.Combine("workload.key"));
            await CreateGuardedKeyAsync(admin, "guarded", ["workload"], ["workload"]);
        }

        await harness.StopAsync();

        // A store as the previous server wrote it: no producers or readers columns.
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(harness.Options.StoreDirectory, KmsStore.DatabaseFileName)};Pooling=false"))
        {
            connection.Open();
            using SqliteCommand drop = connection.CreateCommand();
            drop.CommandText = "ALTER TABLE keys DROP COLUMN producers; ALTER TABLE keys DROP COLUMN readers;";
            drop.ExecuteNonQuery();
        }

        await harness.StartAgainAsync();
        using KmsClient adminAgain = harness.Client();
        using KmsClient workload = harness.Client(System.IO.File.ReadAllText(harness.Temp.Combine("workload.key")).Trim());
        KeyDescription migrated = await adminAgain.DescribeKeyAsync("guarded", Token);
        KmsException refused = await Assert.ThrowsAsync<KmsException>(() => workload.GenerateDataKeyAsync("guarded", Token));
        using DataKey forAdmin = await adminAgain.GenerateDataKeyAsync("guarded", Token);
        await adminAgain.CreateKeyAsync(new CreateKeyRequest { Name = "after", Producers = ["workload"], ReleasePolicy = new KeyReleasePolicy() }, Token);
        using DataKey forProducer = await workload.GenerateDataKeyAsync("after", Token);

        Assert.Empty(migrated.Producers);
        Assert.Empty(migrated.Readers);
        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Equal(32, forAdmin.Plaintext.Length);
        Assert.Equal(32, forProducer.Plaintext.Length);
    }

    internal static async Task<string> CreateApplicationAsync(KmsClient admin, string id, string? saveTo = null)
    {
        ApplicationDescription application = await admin.CreateApplicationAsync(new CreateApplicationRequest { Id = id }, Token);
        if (saveTo is not null)
        {
            await Ppml.Core.IO.SecretFiles.WriteAllTextAsync(saveTo, application.ApiKey!, overwrite: true, Token);
        }

        return application.ApiKey!;
    }

    /// <summary>The <c>detail</c> of a problem body (the raw JSON escapes quotes).</summary>
    internal static string Detail(string problemJson)
    {
        using JsonDocument problem = JsonDocument.Parse(problemJson);
        return problem.RootElement.GetProperty("detail").GetString()!;
    }

    internal static HttpClient RawHttp(ServerHarness harness, string apiKey)
    {
        HttpClient http = harness.RawHttp();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    internal static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string json) =>
        http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Token);

    internal static Task<HttpResponseMessage> PutAsync(HttpClient http, string path, string json) =>
        http.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Token);

    private static Task<KeyDescription> CreateGuardedKeyAsync(KmsClient admin, string name, IReadOnlyList<string>? producers, IReadOnlyList<string>? readers) =>
        admin.CreateKeyAsync(new CreateKeyRequest { Name = name, ReleasePolicy = new KeyReleasePolicy(), Producers = producers, Readers = readers }, Token);
}
