using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Journal;
using Collaboration.Reads;
using Collaboration.Rebuild;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collaboration.Ideas;

public sealed class IdeaGrain(IEventJournal journal, IOptions<JournalOptions> options, ILogger<IdeaGrain> logger)
    : EventSourcedGrain<IdeaState>(journal, options, logger), IIdeaGrain
{
    protected override string StreamId => "idea/" + this.GetPrimaryKeyString();

    public Task RecordAsync(Interaction[] events) => AppendAsync(events);

    public Task<RebuildReport> RebuildAsync() => RebuildFromJournalAsync();

    public Task<IdeaView?> GetAsync() =>
        Task.FromResult(State.IsKnown ? State.ToView(this.GetPrimaryKeyString()) : null);

    public Task<IdPage?> GetFollowersAsync(int limit, string? after) =>
        Task.FromResult(State.IsKnown ? State.Followers.Page(limit, after) : null);
}
