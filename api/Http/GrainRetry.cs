using Polly;
using Polly.Retry;

namespace Collaboration.Api.Http;

/// <summary>
/// Retries a grain call while a silo is being lost: calls to a SIGKILLed silo's grains fail (or time out) until
/// membership declares it dead (about 10 s) and the grains reactivate elsewhere. Every call the api makes is idempotent
/// (ingestion deduplicates by event id, profile updates by content, reads change nothing), so a retry is safe.
/// Storage errors are not retried here: they answer 503 at once and the client retries. A Polly retry pipeline: backoff
/// from 100 ms doubling up to 1 s, for at most 30 s, and no further try or wait once the caller's token is cancelled
/// (pass the request's, so a client that hung up does not keep the loop alive).
/// </summary>
public static class GrainRetry
{
    // Longer than the client's 10 s response timeout, so a call stuck on a dead silo's connection gets another try.
    internal static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    private static readonly Retrier Default = new(TimeProvider.System);

    public static Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken ct = default) => Default.CallAsync(call, ct);

    public static bool IsSiloLoss(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException
            or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException;

    /// <summary>The retry policy, its budget measured on the given clock (tests pass a fake one).</summary>
    internal sealed class Retrier
    {
        private static readonly ResiliencePropertyKey<long> Started = new("GrainRetry.Started");
        private readonly TimeProvider time;
        private readonly ResiliencePipeline pipeline;

        public Retrier(TimeProvider time)
        {
            this.time = time;
            pipeline = new ResiliencePipelineBuilder()
                .AddRetry(new RetryStrategyOptions
                {
                    // No retry once the next wait could end past the budget, so a caller hears of the loss within it.
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsSiloLoss(ex)
                        && time.GetElapsedTime(args.Context.Properties.GetValue(Started, 0)) + MaxDelay < Budget),
                    MaxRetryAttempts = int.MaxValue,
                    BackoffType = DelayBackoffType.Exponential,
                    Delay = TimeSpan.FromMilliseconds(100),
                    MaxDelay = MaxDelay,
                    UseJitter = false,
                })
                .Build();
        }

        public async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken ct)
        {
            var context = ResilienceContextPool.Shared.Get(ct);
            try
            {
                context.Properties.Set(Started, time.GetTimestamp());
                return await pipeline.ExecuteAsync(static async (_, call) => await call(), context, call);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }
    }
}
