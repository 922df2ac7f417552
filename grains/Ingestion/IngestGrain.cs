using Collaboration.Events;
using Collaboration.Ideas;
using Collaboration.Journal;
using Collaboration.Telemetry;
using Collaboration.Threads;
using Collaboration.Users;
using Orleans.Concurrency;

namespace Collaboration.Ingestion;

/// <summary>
/// Settles and fans out posted events, on whichever silo takes the call. Order of work:
/// 0. the silo's <see cref="WriteBacklog"/> admits the request, or refuses it (503) with nothing stored;
/// 1. the ledger settles every event id (new, duplicate, or conflict: a reused id with other content stops here,
///    before any grain has it);
/// 2. thread grains store their events and refuse those naming another idea than the thread's (a refused event is
///    stored nowhere, so its claim is released and the id may be used again);
/// 3. user and idea grains store the rest, in parallel, one call per grain for the whole request.
/// Duplicates are delivered again: a retry may follow an attempt that stopped halfway, and the journal skips what a
/// stream already holds. An exception means some grain may not have stored an event: the caller retries.
/// The grain holds no state, so it is reentrant: a stateless worker that waited for the journal one request at a time
/// would let only one request per core be in flight in the silo, leaving group commit little to batch.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class IngestGrain(IEventLedger ledger, WriteBacklog backlog, CollaborationMetrics metrics) : Grain, IIngestGrain
{
    public Task EnsureRoomAsync()
    {
        backlog.EnsureRoom();
        return Task.CompletedTask;
    }

    public async Task<IngestResult[]> IngestAsync(Interaction[] events, string? postedBy)
    {
        using var admitted = backlog.Admit(events.Length);
        var results = new IngestResult?[events.Length];
        var hashes = events.Select(ContentHash.Of).ToArray();
        var (toDeliver, copies) = await ClaimAsync(events, hashes, postedBy, results);

        var delivered = toDeliver.Where(i => events[i].ThreadId is null).ToList();
        var refused = new List<EventClaim>();
        foreach (var (index, boundIdea) in await RecordInThreadsAsync(events, toDeliver))
        {
            if (boundIdea is { } otherIdea)
            {
                results[index] = new IngestResult(IngestStatus.Conflict, "threadId",
                    $"thread '{events[index].ThreadId}' belongs to idea '{otherIdea}', not '{events[index].IdeaId}'");
                refused.Add(new EventClaim(events[index].EventId, hashes[index]));
                continue;
            }
            delivered.Add(index);
        }
        if (refused.Count > 0)
        {
            await ledger.ReleaseAsync(refused);
        }

        var byUser = delivered.GroupBy(i => events[i].UserId)
            .Select(group => Record(group.ToArray(), batch => GrainFactory.GetGrain<IUserGrain>(group.Key).RecordAsync(batch)));
        var byIdea = delivered.GroupBy(i => events[i].IdeaId)
            .Select(group => Record(group.ToArray(), batch => GrainFactory.GetGrain<IIdeaGrain>(group.Key).RecordAsync(batch)));
        await Task.WhenAll(byUser.Concat(byIdea));

        foreach (var index in delivered)
        {
            // The ledger decides: exactly one request per event id answers "accepted", the one that claimed it, even
            // when a retry is what completed an interrupted first attempt (that retry answers "duplicate").
            results[index] ??= IngestResult.Duplicate;
        }
        foreach (var (copy, first) in copies)
        {
            // A repeated id in one request shares the fate of its first copy: refused with it, otherwise a duplicate.
            results[copy] = results[first]!.Status == IngestStatus.Conflict ? results[first] : IngestResult.Duplicate;
        }
        return results.Select(result => result!).ToArray();

        Task Record(int[] indexes, Func<Interaction[], Task> record) =>
            record(indexes.Select(i => events[i]).ToArray());
    }

    /// <summary>
    /// Settles every event id. Returns the indexes to deliver (new ones and duplicates) and the later copies of ids
    /// repeated with the same content in this request; conflicts are filled into <paramref name="results"/>.
    /// </summary>
    private async Task<(List<int> ToDeliver, List<(int Copy, int First)> Copies)> ClaimAsync(
        Interaction[] events, byte[][] hashes, string? postedBy, IngestResult?[] results)
    {
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var copies = new List<(int, int)>();
        var claims = new List<EventClaim>(events.Length);
        var claimIndexes = new List<int>(events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            if (firstIndex.TryGetValue(events[i].EventId, out var first))
            {
                if (hashes[first].AsSpan().SequenceEqual(hashes[i]))
                {
                    copies.Add((i, first));
                }
                else
                {
                    results[i] = ReusedId();
                }
                continue;
            }
            firstIndex.Add(events[i].EventId, i);
            claims.Add(new EventClaim(events[i].EventId, hashes[i], postedBy));
            claimIndexes.Add(i);
        }
        var outcomes = await ledger.ClaimAsync(claims);
        var toDeliver = new List<int>(claims.Count);
        for (var c = 0; c < outcomes.Length; c++)
        {
            metrics.LedgerClaimed(outcomes[c]);
            var index = claimIndexes[c];
            if (outcomes[c] == ClaimOutcome.Conflict)
            {
                results[index] = ReusedId();
                continue;
            }
            if (outcomes[c] == ClaimOutcome.New)
            {
                results[index] = IngestResult.Accepted;
            }
            toDeliver.Add(index);
        }
        return (toDeliver, copies);
    }

    /// <summary>Per event naming a thread: null when stored, or the idea its thread belongs to when refused.</summary>
    private async Task<List<(int Index, string? BoundIdea)>> RecordInThreadsAsync(Interaction[] events, List<int> claimed)
    {
        var calls = claimed.Where(i => events[i].ThreadId is not null).GroupBy(i => events[i].ThreadId!).Select(async group =>
        {
            var indexes = group.ToArray();
            var outcomes = await GrainFactory.GetGrain<IThreadGrain>(group.Key).RecordAsync(indexes.Select(i => events[i]).ToArray());
            return indexes.Select((index, k) => (index, outcomes[k]));
        });
        return (await Task.WhenAll(calls)).SelectMany(pairs => pairs).ToList();
    }

    private static IngestResult ReusedId() =>
        new(IngestStatus.Conflict, "eventId", "this eventId was already used for an event with different content");
}
