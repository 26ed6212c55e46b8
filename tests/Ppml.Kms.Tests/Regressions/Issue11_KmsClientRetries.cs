using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Ppml.Kms.Remote;

namespace Ppml.Kms.Tests.Regressions;

/// <summary>
/// Issue 11, item 14: the KMS client never retried, although the server answers 503 "retry". Idempotent calls are now
/// retried with backoff (and the server's Retry-After), bounded; a call that is not idempotent is tried exactly once.
/// A fake server (an HttpMessageHandler) counts the attempts; the waits run on a fake clock, so nothing sleeps.
/// </summary>
public sealed class Issue11_KmsClientRetries
{
    private static readonly Uri Server = new("https://kms.test:9876");

    [Fact]
    public async Task Unwrap_ServerAnswers503ThenOk_IsRetriedAndSucceeds()
    {
        var server = new ScriptedServer(Unavailable(), Json("""{"keyName":"k","keyVersion":1,"plaintext":"AAECAw=="}"""));
        var clock = new SkippingClock();
        using var client = new KmsClient(Server, "api-key", server, clock);

        UnwrapResponse response = await client.UnwrapAsync(
            "k", new UnwrapRequest { KeyVersion = 1, WrappedKey = [9, 9] }, TestContext.Current.CancellationToken);

        Assert.Equal([0, 1, 2, 3], response.Plaintext);
        Assert.Equal(2, server.Attempts);
        Assert.Single(clock.Waits);
        Assert.Equal(["POST /v1/keys/k/unwrap", "POST /v1/keys/k/unwrap"], server.Requests);
        Assert.All(server.Bodies, body => Assert.Contains("\"wrappedKey\"", body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_ServerSendsRetryAfter_WaitsWhatItAsks()
    {
        HttpResponseMessage busy = Unavailable();
        busy.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
        var server = new ScriptedServer(busy, Json("[]"));
        var clock = new SkippingClock();
        using var client = new KmsClient(Server, "api-key", server, clock);

        IReadOnlyList<AttestationPolicyDocument> policies = await client.ListPoliciesAsync(TestContext.Current.CancellationToken);

        Assert.Empty(policies);
        Assert.Equal(2, server.Attempts);
        Assert.Equal([TimeSpan.FromSeconds(3)], clock.Waits);
    }

    [Fact]
    public async Task Get_ConnectionFailsOnce_IsRetried()
    {
        var server = new ScriptedServer(new HttpRequestException("Connection refused"), Json("[]"));
        using var client = new KmsClient(Server, "api-key", server, new SkippingClock());

        await client.ListPoliciesAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, server.Attempts);
    }

    [Fact]
    public async Task Get_ServerStaysUnavailable_StopsAfterBoundedAttemptsWithGrowingWaits()
    {
        var server = new ScriptedServer(Enumerable.Range(0, 20).Select(_ => (object)Unavailable()).ToArray());
        var clock = new SkippingClock();
        using var client = new KmsClient(Server, "api-key", server, clock);

        KmsException exception = await Assert.ThrowsAsync<KmsException>(() => client.ListPoliciesAsync(TestContext.Current.CancellationToken));

        Assert.Equal(KmsErrorCode.ServiceUnavailable, exception.Code);
        Assert.Equal(KmsRetry.MaxRetryAttempts + 1, server.Attempts);
        Assert.Contains($"after {KmsRetry.MaxRetryAttempts + 1} attempts", exception.Message, StringComparison.Ordinal);
        Assert.Equal(KmsRetry.MaxRetryAttempts, clock.Waits.Count);
        Assert.All(clock.Waits, wait => Assert.InRange(wait, TimeSpan.Zero, KmsRetry.MaxDelay));
        Assert.True(clock.Waits.Sum(w => w.TotalSeconds) > 1, $"exponential backoff waits {string.Join(", ", clock.Waits)} in all");
    }

    [Fact]
    public async Task Get_RetryAfterBeyondTheLimit_IsReportedNotWaitedFor()
    {
        HttpResponseMessage busy = Unavailable();
        busy.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(1));
        var server = new ScriptedServer(busy, Json("[]"));
        var clock = new SkippingClock();
        using var client = new KmsClient(Server, "api-key", server, clock);

        await Assert.ThrowsAsync<KmsException>(() => client.ListPoliciesAsync(TestContext.Current.CancellationToken));

        Assert.Equal(1, server.Attempts);
        Assert.Empty(clock.Waits);
    }

    [Fact]
    public async Task GenerateDataKey_ServerAnswers503_IsTriedExactlyOnce()
    {
        var server = new ScriptedServer(Unavailable(), Json("""{"keyName":"k","keyVersion":1,"wrappedKey":"AA=="}"""));
        var clock = new SkippingClock();
        using var client = new KmsClient(Server, "api-key", server, clock);

        KmsException exception = await Assert.ThrowsAsync<KmsException>(
            () => client.GenerateDataKeyAsync("k", includePlaintext: false, TestContext.Current.CancellationToken));

        Assert.Equal(KmsErrorCode.ServiceUnavailable, exception.Code);
        Assert.Equal(1, server.Attempts);
        Assert.Empty(clock.Waits);
    }

    [Fact]
    public async Task CreateKeyAndCreateApplication_ConnectionFails_AreTriedExactlyOnce()
    {
        var server = new ScriptedServer(new HttpRequestException("Connection reset"), new HttpRequestException("Connection reset"), Json("{}"), Json("{}"));
        using var client = new KmsClient(Server, "api-key", server, new SkippingClock());

        await Assert.ThrowsAsync<KmsException>(() => client.CreateKeyAsync("k", TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<KmsException>(
            () => client.CreateApplicationAsync(new CreateApplicationRequest { Id = "app" }, TestContext.Current.CancellationToken));

        Assert.Equal(["POST /v1/keys", "POST /v1/apps"], server.Requests);
    }

    [Fact]
    public async Task Unwrap_ServerRefusesWith403_IsNotRetried()
    {
        var server = new ScriptedServer(
            new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent("""{"code":"Forbidden","detail":"policy not satisfied"}""") },
            Json("{}"));
        using var client = new KmsClient(Server, "api-key", server, new SkippingClock());

        KmsException exception = await Assert.ThrowsAsync<KmsException>(() => client.UnwrapAsync(
            "k", new UnwrapRequest { KeyVersion = 1, WrappedKey = [1] }, TestContext.Current.CancellationToken));

        Assert.Equal(KmsErrorCode.Forbidden, exception.Code);
        Assert.Equal(1, server.Attempts);
    }

    [Fact]
    public async Task Get_CancelledDuringTheBackoff_StopsWaitingAtOnce()
    {
        var server = new ScriptedServer(Unavailable(), Json("[]"));
        var clock = new FakeTimeProvider(); // never advanced: the wait ends only by cancellation
        using var client = new KmsClient(Server, "api-key", server, clock);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        Task call = client.ListPoliciesAsync(cancellation.Token);
        await server.FirstAttempt.Task.WaitAsync(TestContext.Current.CancellationToken);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, server.Attempts);
    }

    private static HttpResponseMessage Unavailable() => new(HttpStatusCode.ServiceUnavailable)
    {
        Content = new StringContent("""{"code":"ServiceUnavailable","detail":"The KMS store is shutting down; retry against the restarted server."}""", Encoding.UTF8, "application/problem+json"),
    };

    private static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(json, Encoding.UTF8, "application/json"),
    };

    /// <summary>A fake KMS: answers each request with the next scripted response (or throws the next scripted exception).</summary>
    private sealed class ScriptedServer(params object[] script) : HttpMessageHandler
    {
        private readonly Queue<object> _script = new(script);
        private readonly Lock _lock = new();

        public int Attempts { get; private set; }

        public List<string> Requests { get; } = [];

        public List<string> Bodies { get; } = [];

        public TaskCompletionSource FirstAttempt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            object next;
            lock (_lock)
            {
                Attempts++;
                Requests.Add($"{request.Method} {request.RequestUri!.AbsolutePath}");
                Bodies.Add(body);
                next = _script.Dequeue();
            }

            FirstAttempt.TrySetResult();
            return next is Exception exception ? throw exception : (HttpResponseMessage)next;
        }
    }

    /// <summary>A clock whose timers fire at once, after moving time forward by their delay; it records each wait.</summary>
    private sealed class SkippingClock : TimeProvider
    {
        private readonly FakeTimeProvider _time = new();

        public List<TimeSpan> Waits { get; } = [];

        public override DateTimeOffset GetUtcNow() => _time.GetUtcNow();

        public override long GetTimestamp() => _time.GetTimestamp();

        public override long TimestampFrequency => _time.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            ITimer timer = _time.CreateTimer(callback, state, dueTime, period);
            if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
            {
                lock (Waits)
                {
                    Waits.Add(dueTime);
                }

                _time.Advance(dueTime);
            }

            return timer;
        }
    }
}
