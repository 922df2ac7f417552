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

    public Task<RebuildReport> RebuildAsync() => RebuildFromStoreAsync();

    public Task RefoldAsync() => RebuildFromStoreAsync(quiet: true);

    public async Task<IdeaView?> GetAsync()
    {
        await CatchUpAsync();
        return State.IsKnown ? State.ToView(this.GetPrimaryKeyString()) : null;
    }

    public async Task<IdPage?> GetFollowersAsync(int limit, string? after)
    {
        await CatchUpAsync();
        return State.IsKnown ? State.Followers.Page(limit, after) : null;
    }

    public async Task<IdeaUpdate?> GetUpdateForAsync(string userId)
    {
        await CatchUpAsync();
        return State.UpdateFor(this.GetPrimaryKeyString(), userId);
    }
}
