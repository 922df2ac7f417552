using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Journal;
using Collaboration.Reads;
using Collaboration.Rebuild;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collaboration.Ideas;

public sealed class IdeaGrain(IEventStore store, IGrainSnapshotStore snapshots, IOptions<JournalOptions> options, ILogger<IdeaGrain> logger)
    : EventSourcedGrain<IdeaState>(store, snapshots, options, logger), IIdeaGrain
{
    protected override EventKey Key => EventKey.Idea(this.GetPrimaryKeyString());

    public Task ApplyAsync(StoredInteraction[] events) =>
        FoldDeliveredAsync(events.Select(e => (e.Position, e.Commit, (IStreamEvent)e.Interaction)));

    public Task<RebuildReport> RebuildAsync() => RebuildFromStoreAsync();

    public Task<IdeaView?> GetAsync() =>
        Task.FromResult(State.IsKnown ? State.ToView(this.GetPrimaryKeyString()) : null);

    public Task<IdPage?> GetFollowersAsync(int limit, string? after) =>
        Task.FromResult(State.IsKnown ? State.Followers.Page(limit, after) : null);
}
