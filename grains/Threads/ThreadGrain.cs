using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Journal;
using Collaboration.Rebuild;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collaboration.Threads;

public sealed class ThreadGrain(IEventJournal journal, IOptions<JournalOptions> options, ILogger<ThreadGrain> logger)
    : EventSourcedGrain<ThreadState>(journal, options, logger), IThreadGrain
{
    protected override string StreamId => "thread/" + this.GetPrimaryKeyString();

    public async Task<string?[]> RecordAsync(Interaction[] events)
    {
        var refusals = new string?[events.Length];
        var accepted = new List<Interaction>(events.Length);
        // The first event this thread stores binds it to its idea; a grain call is one turn, so no other call can bind it meanwhile.
        var boundIdea = State.IdeaId;
        for (var i = 0; i < events.Length; i++)
        {
            boundIdea ??= events[i].IdeaId;
            if (events[i].IdeaId != boundIdea)
            {
                refusals[i] = boundIdea;
                continue;
            }
            accepted.Add(events[i]);
        }
        if (accepted.Count > 0)
        {
            await AppendAsync(accepted);
        }
        return refusals;
    }

    public Task<RebuildReport> RebuildAsync() => RebuildFromJournalAsync();

    public Task<ThreadView?> GetAsync() => Task.FromResult(State.ToView(this.GetPrimaryKeyString()));
}
