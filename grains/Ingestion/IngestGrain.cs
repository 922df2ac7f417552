using Collaboration.Events;
using Collaboration.EventSourcing;
using Collaboration.Journal;
using Orleans.Concurrency;

namespace Collaboration.Ingestion;

/// <summary>
/// Stores posted events, on whichever silo takes the call. Order of work:
/// 0. the silo's <see cref="WriteBacklog"/> admits the request, or refuses it (503) with nothing stored;
/// 1. the event store stores the request in one unit of its group commit: each event once, settled by its id (new,
///    duplicate, or a reused id with other content) and by its thread's idea (a thread bound to another idea refuses
///    it); a refused event is stored nowhere.
/// That is all: the answer follows the commit. User, idea and thread grains read their new events when they are next
/// called (<see cref="EventSourcing.EventSourcedGrain{TState}"/>), so every read after the answer includes the event,
/// and ingestion neither activates nor waits for them. An exception means the events may or may not be stored: the
/// caller retries, and a stored one then answers "duplicate".
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
        for (var i = 0; i < events.Length; i++)
        {
            // The store decides: exactly one request per event id answers "accepted", the one that stored it.
            results[i] = outcomes[i].Outcome switch
            {
                StoreOutcome.Stored => IngestResult.Accepted,
                StoreOutcome.Duplicate => IngestResult.Duplicate,
                StoreOutcome.ReusedId => new(IngestStatus.Conflict, "eventId", "this eventId was already used for an event with different content"),
                StoreOutcome.UserErased => new(IngestStatus.Conflict, "userId", "this user was erased; events naming them are refused"),
                _ => new(IngestStatus.Conflict, "threadId",
                    $"thread '{events[i].ThreadId}' belongs to idea '{outcomes[i].BoundIdea}', not '{events[i].IdeaId}'"),
            };
        }
        return results;
    }
}
