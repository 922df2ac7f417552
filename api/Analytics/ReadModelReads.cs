using Collaboration.Analytics;
using Collaboration.Api.Http;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Hedging;

namespace Collaboration.Api.Analytics;

/// <summary>
/// How the api reads the participation read model when it has several replicas (<see cref="AnalyticsOptions.Replicas"/>):
/// a read goes to the replica that answered last and is hedged to the next one when it has not answered within
/// <see cref="HedgeAfter"/>, or at once when the call fails because a silo is lost; the first answer wins. Every
/// replica follows the same journal and waits, before it answers, until it holds everything committed before the read,
/// so any of them gives the same answer. A Polly hedging pipeline inside the api's <see cref="GrainRetry"/>: when every
/// replica is lost at once the read is retried as any grain call is.
/// </summary>
public sealed class ReadModelReads
{
    /// <summary>Longer than a dashboard read takes under load (p99 about 330 ms with 1,000,000 employees), so hedges are rare.</summary>
    public static readonly TimeSpan HedgeAfter = TimeSpan.FromMilliseconds(500);

    private static readonly ResiliencePropertyKey<int> Attempt = new("ReadModelReads.Attempt");

    private readonly IGrainFactory grains;
    private readonly ILogger logger;
    private readonly int replicas;
    private readonly ResiliencePipeline<Answer>? hedging;
    private int answeredLast;

    public ReadModelReads(IGrainFactory grains, IOptions<AnalyticsOptions> options, ILogger<ReadModelReads> logger)
    {
        this.grains = grains;
        this.logger = logger;
        replicas = options.Value.ReplicaCount;
        hedging = replicas < 2 ? null : new ResiliencePipelineBuilder<Answer>()
            .AddHedging(new HedgingStrategyOptions<Answer>
            {
                MaxHedgedAttempts = replicas - 1,
                Delay = HedgeAfter,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && GrainRetry.IsSiloLoss(ex)),
                // Rare (a silo lost, a replica reloading) and what an operator asks about a slow dashboard.
                OnHedging = args =>
                {
                    logger.LogInformation("A read model replica did not answer within {Delay} ms or failed; the read goes to the next replica (attempt {Attempt})",
                        HedgeAfter.TotalMilliseconds, args.AttemptNumber + 1);
                    return ValueTask.CompletedTask;
                },
                ActionGenerator = args =>
                {
                    args.ActionContext.Properties.Set(Attempt, args.AttemptNumber);
                    return () => args.Callback(args.ActionContext);
                },
            })
            .Build();
    }

    /// <summary>The replica that answered the last read; the next read asks it first.</summary>
    public int AnsweredLast => Volatile.Read(ref answeredLast);

    /// <summary>Reads from the first replica to answer, retrying while silos are lost (see <see cref="GrainRetry"/>).</summary>
    public Task<T> ReadAsync<T>(Func<IAnalyticsGrain, Task<T>> read, CancellationToken ct) =>
        GrainRetry.CallAsync(() => hedging is null ? read(Replica(0)) : HedgedAsync(read, ct), ct);

    private IAnalyticsGrain Replica(int replica) => grains.GetGrain<IAnalyticsGrain>(replica);

    private async Task<T> HedgedAsync<T>(Func<IAnalyticsGrain, Task<T>> read, CancellationToken ct)
    {
        var first = AnsweredLast;
        var context = ResilienceContextPool.Shared.Get(ct);
        try
        {
            var answer = await hedging!.ExecuteAsync(static async (attempt, state) =>
            {
                var replica = (state.first + attempt.Properties.GetValue(Attempt, 0)) % state.self.replicas;
                // Polly waits for the losing attempts to end once it has an answer; a grain call does not stop when
                // cancelled, so the attempt stops waiting for it instead (a reload after a failover takes seconds).
                return new Answer(await state.read(state.self.Replica(replica)).WaitAsync(attempt.CancellationToken), replica);
            }, context, (self: this, first, read));
            Volatile.Write(ref answeredLast, answer.Replica);
            return (T)answer.Value!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>One replica's answer, boxed so that one pipeline serves every read.</summary>
    private sealed record Answer(object? Value, int Replica);
}
