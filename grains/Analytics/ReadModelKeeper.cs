using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collaboration.Analytics;

/// <summary>
/// Keeps every read model replica activated, so a standby is warm before a read needs it: from the silo's start, and
/// every <see cref="Interval"/>, each silo calls each replica. A call activates a replica that is gone (its silo died
/// or left), and the new activation loads the newest snapshot and follows the journal on its own; until it has, reads
/// are answered by the other replica. The call asks where the replica runs (answered at once), which placement uses to
/// keep replicas apart (<see cref="ReadModelReplicaLocations"/>).
/// </summary>
internal sealed class ReadModelKeeper(
    IGrainFactory grains, IOptions<AnalyticsOptions> options, ReadModelReplicaLocations locations, ILogger<ReadModelKeeper> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource stopping = new();
    private Task? keeping;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ReadModelKeeper), ServiceLifecycleStage.Active, Start, Stop);

    private Task Start(CancellationToken _)
    {
        keeping = KeepAsync(stopping.Token);
        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken ct)
    {
        await stopping.CancelAsync();
        if (keeping is { } running)
        {
            await running.WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task KeepAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                await Task.WhenAll(Enumerable.Range(0, options.Value.ReplicaCount).Select(replica => TouchAsync(replica, stop)));
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    private async Task TouchAsync(int replica, CancellationToken stop)
    {
        try
        {
            // An activation loading a large snapshot answers only when it is done; the next tick asks again.
            locations.Found(replica, await grains.GetGrain<IAnalyticsGrain>(replica).GetSiloAsync().WaitAsync(Interval, stop));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            logger.LogDebug(ex, "Read model replica {Replica} did not answer the keeper", replica);
        }
        catch (OperationCanceledException)
        {
            // The silo is stopping.
        }
    }
}
