using System.Net;
using Polly;
using Polly.Retry;

namespace Ppml.Kms.Remote;

/// <summary>
/// The retry of idempotent KMS calls: a transient answer (503, 502, 504, 429) or a connection failure is retried with
/// exponential backoff and jitter, waiting what the server's <c>Retry-After</c> asks for when it says. Attempts and waits
/// are bounded; a call that is not idempotent never goes through this pipeline (<see cref="KmsClient"/> decides per endpoint).
/// </summary>
internal static class KmsRetry
{
    /// <summary>Retries after the first attempt: five attempts in all.</summary>
    /// <remarks>With <see cref="BaseDelay"/> this waits about 0.5 + 1 + 2 + 4 s (jittered): long enough to ride out a server restart.</remarks>
    internal const int MaxRetryAttempts = 4;

    /// <summary>The first backoff delay; it doubles with each retry.</summary>
    internal static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest computed backoff delay.</summary>
    internal static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    /// <summary>The longest <c>Retry-After</c> honoured; a server asking for more is not retried (its answer is reported).</summary>
    internal static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>Builds the pipeline.</summary>
    /// <param name="timeProvider">The clock the waits run on (a fake one in tests).</param>
    /// <param name="isPermanentFailure">Whether a connection failure is permanent (a rejected TLS certificate): never retried.</param>
    /// <returns>The pipeline.</returns>
    internal static ResiliencePipeline<HttpResponseMessage> Create(TimeProvider timeProvider, Func<bool> isPermanentFailure)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(isPermanentFailure);
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = BaseDelay,
                MaxDelay = MaxDelay,
                ShouldHandle = arguments => ValueTask.FromResult(arguments.Outcome switch
                {
                    { Exception: HttpRequestException } => !isPermanentFailure(),
                    { Result: { } response } => ShouldRetry(response, timeProvider),
                    _ => false,
                }),
                // The discarded answer holds a connection until disposed (disposing twice is harmless).
                OnRetry = arguments =>
                {
                    arguments.Outcome.Result?.Dispose();
                    return default;
                },
                DelayGenerator = arguments => ValueTask.FromResult(
                    arguments.Outcome.Result is { } response && RetryAfter(response, timeProvider) is { } wait ? (TimeSpan?)wait : null),
            })
            .Build();
    }

    /// <summary>Whether <paramref name="response"/> is transient and asks for no longer a wait than <see cref="MaxRetryAfter"/>.</summary>
    internal static bool ShouldRetry(HttpResponseMessage response, TimeProvider timeProvider) =>
        IsTransient(response.StatusCode) && (RetryAfter(response, timeProvider) ?? TimeSpan.Zero) <= MaxRetryAfter;

    /// <summary>Whether <paramref name="status"/> says "try again later".</summary>
    internal static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>The wait a <c>Retry-After</c> header asks for (seconds or a date); <see langword="null"/> without one.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        TimeSpan? wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - timeProvider.GetUtcNow() : null);
        return wait is { } value && value < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }
}
