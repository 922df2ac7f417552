using Collaboration.Events;
using Collaboration.EventSourcing;
using Collaboration.Ideas;
using Collaboration.Journal;
using Collaboration.Telemetry;
using Collaboration.Threads;
using Collaboration.Users;
using Orleans.Concurrency;

namespace Collaboration.Ingestion;

/// <summary>
/// Stores and fans out posted events, on whichever silo takes the call. Order of work:
/// 0. the silo's <see cref="WriteBacklog"/> admits the request, or refuses it (503) with nothing stored;
/// 1. the event store stores the request in one unit of its group commit: each event once, settled by its id (new,
///    duplicate, or a reused id with other content) and by its thread's idea (a thread bound to another idea refuses
///    it); a refused event is stored nowhere;
/// 2. the user, idea and thread grains of every new or duplicate event fold it, in parallel, one call per grain.
/// Duplicates are delivered again, with the position of their stored record: a retry may follow an attempt whose
/// delivery failed halfway, and a grain skips what it has folded. An exception means some grain may not have folded an
/// event: the caller retries (a grain that missed one also reads it when it next activates or snapshots).
/// The grain holds no state, so it is reentrant: a stateless worker that waited for storage one request at a time
/// would let only one request per core be in flight in the silo, leaving group commit little to batch.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class IngestGrain(IEventStore store, WriteBacklog backlog) : Grain, IIngestGrain
{
    public Task EnsureRoomAsync()
    {
        backlog.EnsureRoom();
        return Task.CompletedTask;
    }

    public async Task<IngestResult[]> IngestAsync(Interaction[] events, string? postedBy)
    {
        using var admitted = backlog.Admit(events.Length);
        var outcomes = await store.StoreAsync(events.Select(e =>
            new EventToStore(StoredEventFormat.Encode(e), ContentHash.Of(e), e.UserId, e.IdeaId, e.ThreadId, postedBy)).ToArray());

        var results = new IngestResult[events.Length];
        var delivered = new List<StoredInteraction>(events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            // The store decides: exactly one request per event id answers "accepted", the one that stored it, even when a
            // retry is what completed the delivery of an interrupted first attempt (that retry answers "duplicate").
            results[i] = outcomes[i].Outcome switch
            {
                StoreOutcome.Stored => IngestResult.Accepted,
                StoreOutcome.Duplicate => IngestResult.Duplicate,
                StoreOutcome.ReusedId => new(IngestStatus.Conflict, "eventId", "this eventId was already used for an event with different content"),
                _ => new(IngestStatus.Conflict, "threadId",
                    $"thread '{events[i].ThreadId}' belongs to idea '{outcomes[i].BoundIdea}', not '{events[i].IdeaId}'"),
            };
            if (outcomes[i].Outcome is StoreOutcome.Stored or StoreOutcome.Duplicate)
            {
                delivered.Add(new StoredInteraction(outcomes[i].Position, outcomes[i].Commit, events[i]));
            }
        }

        var byUser = delivered.GroupBy(e => e.Interaction.UserId)
            .Select(group => GrainFactory.GetGrain<IUserGrain>(group.Key).ApplyAsync(group.ToArray()));
        var byIdea = delivered.GroupBy(e => e.Interaction.IdeaId)
            .Select(group => GrainFactory.GetGrain<IIdeaGrain>(group.Key).ApplyAsync(group.ToArray()));
        var byThread = delivered.Where(e => e.Interaction.ThreadId is not null).GroupBy(e => e.Interaction.ThreadId!)
            .Select(group => GrainFactory.GetGrain<IThreadGrain>(group.Key).ApplyAsync(group.ToArray()));
        await Task.WhenAll(byUser.Concat(byIdea).Concat(byThread));
        return results;
    }
}
