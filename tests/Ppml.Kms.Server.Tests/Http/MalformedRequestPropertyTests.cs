using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Tests.Fakes;

namespace Ppml.Kms.Server.Tests.Http;

/// <summary>
/// Thousands of malformed requests: each must be answered with a 4xx problem document, never a 5xx. (A NUL in the path
/// is refused by Kestrel itself, before the application, with a bare 400.)
/// </summary>
public sealed class MalformedRequestPropertyTests
{
    private const int RequestCount = 10_000;
    private const string InsertChars = "{}[]\",:\\0aZ\u00e9\u0000";

    private static readonly string[] s_paths =
    [
        "/v1/keys", "/v1/keys/{k}", "/v1/keys/{k}/rotate", "/v1/keys/{k}/disable", "/v1/keys/{k}/datakey", "/v1/keys/{k}/unwrap",
        "/v1/attest", "/v1/policies", "/v1/policies/{k}", "/v1/apps", "/v1/audit?after={k}&limit={k}", "/v1/audit/verify", "/v1/{k}", "/{k}",
    ];

    private static readonly string[] s_names = ["k", "guarded", "", "..", "a%00b", "%FF%FE", "x y", new string('n', 300), "ünï", "-1", "9999999999999999999999", "null"];

    private static readonly string[] s_bodies =
    [
        "{\"name\":\"k\"}",
        "{\"keyVersion\":1,\"wrappedKey\":\"AAAA\"}",
        "{\"keyVersion\":1,\"wrappedKey\":\"AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"attestationToken\":\"a.b.c\"}",
        "{\"policyId\":\"p\",\"evidence\":\"AAAA\",\"runtimeKey\":\"AAAA\"}",
        "{\"policyId\":\"p\",\"evidence\":\"AAAA\",\"runtimeKeyJwk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}}",
        "{\"policy\":{\"tee\":[\"sgx\"]}}",
        "{\"id\":\"app\",\"role\":\"root\"}",
        "{\"includePlaintext\":\"yes\"}",
        "{\"name\":\"k\",\"releasePolicy\":{\"allowedTee\":[],\"mrEnclave\":[\"zz\"],\"minIsvSvn\":-5}}",
        "[1,2,3]", "null", "true", "\"text\"", "1e999", "{\"keyVersion\":99999999999999999999}",
    ];

    [Fact]
    public async Task Server_TenThousandMalformedRequests_NeverAnswers5xx()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient admin = harness.Client();
        await admin.CreateKeyAsync("k", TestContext.Current.CancellationToken);
        string appKey = (await admin.CreateApplicationAsync(new CreateApplicationRequest { Id = "fuzz" }, TestContext.Current.CancellationToken)).ApiKey!;
        using HttpClient http = harness.RawHttp();
        var failures = new ConcurrentQueue<string>();
        int answered = 0;

        await Parallel.ForAsync(0, RequestCount, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (i, token) =>
        {
            var random = new Random(i);
            using HttpRequestMessage request = Build(random, harness.AdminKey, appKey);
            string description = $"#{i} {request.Method} {request.RequestUri}";
            using HttpResponseMessage response = await http.SendAsync(request, token);
            Interlocked.Increment(ref answered);
            int status = (int)response.StatusCode;
            if (status >= 500)
            {
                failures.Enqueue($"{description}: {status} {await response.Content.ReadAsStringAsync(token)}");
            }
            else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                && !(status == 400 && request.RequestUri!.OriginalString.Contains("%00", StringComparison.Ordinal)))
            {
                failures.Enqueue($"{description}: {status} without a problem document");
            }
        });

        Assert.Equal(RequestCount, answered);
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
        using HttpResponseMessage health = await http.GetAsync("/healthz", TestContext.Current.CancellationToken);
        Assert.True(health.IsSuccessStatusCode);
    }

    private static HttpRequestMessage Build(Random random, string adminKey, string appKey)
    {
        HttpMethod method = random.Next(5) switch { 0 => HttpMethod.Get, 1 or 2 => HttpMethod.Post, 3 => HttpMethod.Put, _ => HttpMethod.Delete };
        string path = s_paths[random.Next(s_paths.Length)].Replace("{k}", s_names[random.Next(s_names.Length)], StringComparison.Ordinal);
        var request = new HttpRequestMessage(method, path);
        switch (random.Next(6))
        {
            case 0:
                break;
            case 1:
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + new string([.. Mutate(random, adminKey).Select(c => c is < ' ' or > '~' ? 'x' : c)]));
                break;
            case 2:
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + appKey);
                break;
            default:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
                break;
        }

        if (method != HttpMethod.Get && random.Next(8) != 0)
        {
            string body = random.Next(4) == 0 ? RandomJson(random, depth: 0) : Mutate(random, s_bodies[random.Next(s_bodies.Length)]);
            byte[] bytes = random.Next(10) == 0 ? RandomBytes(random) : Encoding.UTF8.GetBytes(body);
            request.Content = new ByteArrayContent(bytes);
            string? contentType = random.Next(10) switch { 0 => "text/plain", 1 => null, _ => "application/json" };
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            }
        }

        return request;
    }

    private static string Mutate(Random random, string text)
    {
        var builder = new StringBuilder(text);
        int edits = random.Next(0, 4);
        for (int e = 0; e < edits && builder.Length > 0; e++)
        {
            int at = random.Next(builder.Length);
            switch (random.Next(4))
            {
                case 0:
                    builder.Remove(at, 1);
                    break;
                case 1:
                    builder.Insert(at, InsertChars[random.Next(InsertChars.Length)]);
                    break;
                case 2:
                    builder.Length = at;
                    break;
                default:
                    builder[at] = (char)random.Next(32, 127);
                    break;
            }
        }

        return builder.ToString();
    }

    private static string RandomJson(Random random, int depth) => (depth > 6 ? random.Next(4) : random.Next(7)) switch
    {
        0 => random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        1 => "\"" + new string('x', random.Next(20)) + "\"",
        2 => "null",
        3 => "true",
        4 => "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => RandomJson(random, depth + 1))) + "]",
        _ => "{" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ =>
            $"\"{new[] { "name", "keyVersion", "wrappedKey", "policy", "policyId", "evidence", "runtimeKey", "releasePolicy", "id", "role", "zzz" }[random.Next(11)]}\":{RandomJson(random, depth + 1)}")) + "}",
    };

    private static byte[] RandomBytes(Random random)
    {
        byte[] bytes = new byte[random.Next(1, 64)];
        random.NextBytes(bytes);
        return bytes;
    }
}
