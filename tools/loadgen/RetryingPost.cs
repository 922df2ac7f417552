using System.Net;
using System.Net.Http.Headers;

namespace Collaboration.LoadGen;

/// <summary>
/// POSTs a body and retries network errors, timeouts, 408, 429 and 5xx (503 answers "retry later"), waiting with
/// exponential backoff and jitter or as long as Retry-After says. Retrying is safe because the service treats a
/// repeated event id with the same content as a duplicate, and a directory row as the latest profile.
/// </summary>
public sealed class RetryingPost(HttpClient client, int maxAttempts, Action onRetry)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    /// <summary>The last answer (status and body), or a null status when no attempt got any answer.</summary>
    public async Task<(HttpStatusCode? Status, string Body)> SendAsync(string path, byte[] body, string contentType, CancellationToken cancel)
    {
        (HttpStatusCode? Status, string Body) last = (null, "");
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
                using var response = await client.PostAsync(path, content, cancel);
                last = (response.StatusCode, await response.Content.ReadAsStringAsync(cancel));
                if (!IsTransient(response.StatusCode))
                {
                    return last;
                }
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (Exception e) when (!cancel.IsCancellationRequested && e is HttpRequestException or IOException or TaskCanceledException)
            {
                // A timeout shows as TaskCanceledException without our token being cancelled.
                last = (null, e.Message);
            }
            if (attempt >= maxAttempts)
            {
                return last;
            }
            onRetry();
            await Task.Delay(retryAfter is { } wait ? Min(wait, MaxDelay * 3) : Backoff(attempt), cancel);
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static TimeSpan Backoff(int attempt)
    {
        var ceiling = Min(TimeSpan.FromMilliseconds(100 * Math.Pow(2, attempt - 1)), MaxDelay);
        return ceiling * (0.5 + Random.Shared.NextDouble() / 2);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
