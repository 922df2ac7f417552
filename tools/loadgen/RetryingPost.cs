using System.Net;
using System.Net.Http.Headers;
using Polly;
using Polly.Retry;

namespace Collaboration.LoadGen;

/// <summary>
/// POSTs a body and retries network errors, timeouts, 408, 429 and 5xx (503 answers "retry later"), waiting with
/// exponential backoff and jitter or as long as Retry-After says. Retrying is safe because the service treats a
/// repeated event id with the same content as a duplicate, and a directory row as the latest profile. A Polly retry
/// pipeline: up to <c>maxAttempts</c> tries, and no further try or wait once the caller's token is cancelled.
/// </summary>
public sealed class RetryingPost
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    // A server may ask for a longer pause than the backoff would make, but not for an endless one.
    private static readonly TimeSpan MaxRetryAfter = MaxDelay * 3;

    private readonly HttpClient client;
    private readonly ResiliencePipeline<Answer> pipeline;

    public RetryingPost(HttpClient client, int maxAttempts, Action onRetry)
    {
        this.client = client;
        pipeline = new ResiliencePipelineBuilder<Answer>()
            .AddRetry(new RetryStrategyOptions<Answer>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } answer && IsTransient(answer.Status)),
                MaxRetryAttempts = maxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = MaxDelay,
                UseJitter = true,
                // Retry-After, when the answer has one, instead of the backoff (null keeps the backoff).
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter is { } wait ? Min(wait, MaxRetryAfter) : (TimeSpan?)null),
                OnRetry = _ =>
                {
                    onRetry();
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>The last answer (status and body), or a null status when no attempt got any answer.</summary>
    public async Task<(HttpStatusCode? Status, string Body)> SendAsync(string path, byte[] body, string contentType, CancellationToken cancel)
    {
        var answer = await pipeline.ExecuteAsync(
            static async (state, cancel) => await state.Self.PostOnceAsync(state.path, state.body, state.contentType, cancel),
            (Self: this, path, body, contentType), cancel);
        // Polly hands back the last answer when the token is cancelled after it arrived; the caller asked to stop.
        cancel.ThrowIfCancellationRequested();
        return (answer.Status, answer.Body);
    }

    private async Task<Answer> PostOnceAsync(string path, byte[] body, string contentType, CancellationToken cancel)
    {
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            using var response = await client.PostAsync(path, content, cancel);
            return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(cancel), response.Headers.RetryAfter?.Delta);
        }
        catch (Exception e) when (!cancel.IsCancellationRequested && e is HttpRequestException or IOException or TaskCanceledException)
        {
            // No answer; a timeout shows as TaskCanceledException without our token being cancelled.
            return new Answer(null, e.Message, null);
        }
    }

    /// <summary>No answer at all is transient too.</summary>
    private static bool IsTransient(HttpStatusCode? status) =>
        status is not { } code || (int)code >= 500 || code is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed record Answer(HttpStatusCode? Status, string Body, TimeSpan? RetryAfter);
}
