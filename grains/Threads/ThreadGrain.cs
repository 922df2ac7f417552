using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Journal;
using Collaboration.Rebuild;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collaboration.Threads;

public sealed class ThreadGrain(IEventStore store, IGrainSnapshotStore snapshots, IOptions<JournalOptions> options, ILogger<ThreadGrain> logger)
    : EventSourcedGrain<ThreadState>(store, snapshots, options, logger), IThreadGrain
{
    protected override EventKey Key => EventKey.Thread(this.GetPrimaryKeyString());

    public Task<RebuildReport> RebuildAsync() => RebuildFromStoreAsync();

    public Task RefoldAsync() => RebuildFromStoreAsync(quiet: true);

    public async Task<ThreadView?> GetAsync()
    {
        await CatchUpAsync();
        return State.ToView(this.GetPrimaryKeyString());
    }
}
