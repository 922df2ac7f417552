namespace Collaboration.Api.Http;

/// <summary>
/// Retries a grain call while a silo is being lost: calls to a SIGKILLed silo's grains fail (or time out) until
/// membership declares it dead (about 10 s) and the grains reactivate elsewhere. Every call the api makes is idempotent
/// (ingestion deduplicates by event id, profile updates by content, reads change nothing), so a retry is safe.
/// Storage errors are not retried here: they answer 503 at once and the client retries.
/// </summary>
public static class GrainRetry
{
    // Longer than the client's 10 s response timeout, so a call stuck on a dead silo's connection gets another try.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    public static async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + Budget;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (IsSiloLoss(ex) && DateTime.UtcNow + delay < deadline)
            {
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }

    public static bool IsSiloLoss(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException
            or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException;
}
