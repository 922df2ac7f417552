using Collaboration.Journal;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Collaboration.Health;

/// <summary>Runs on the silo that receives the call; keeps no state, so probing it activates nothing lasting.</summary>
[StatelessWorker]
public sealed class HealthGrain(IEventStore store, IOptions<HealthOptions> options) : Grain, IHealthGrain
{
    public Task PingAsync() => Task.CompletedTask;

    public async Task CheckStorageAsync()
    {
        using var timeout = new CancellationTokenSource(options.Value.Timeout);
        await store.FeedHeadAsync(timeout.Token);
    }
}
