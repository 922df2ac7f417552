using Collaboration.Events;
using Collaboration.Ideas;
using Collaboration.Journal;
using Collaboration.Threads;
using Collaboration.Users;
using Orleans.Concurrency;

namespace Collaboration.Ingestion;

/// <summary>
/// Settles and fans out posted events, on whichever silo takes the call. Order of work:
/// 1. the ledger settles every event id (new, duplicate, or conflict: a reused id with other content stops here,
///    before any grain has it);
/// 2. thread grains store their events and refuse those naming another idea than the thread's;
/// 3. user and idea grains store the rest, in parallel, one call per grain for the whole request.
/// Duplicates are delivered again: a retry may follow an attempt that stopped halfway, and the journal skips what a
/// stream already holds. An exception means some grain may not have stored an event: the caller retries.
/// </summary>
[StatelessWorker]
public sealed class IngestGrain(IEventLedger ledger) : Grain, IIngestGrain
{
    public async Task<IngestResult[]> IngestAsync(Interaction[] events)
    {
        var results = new IngestResult?[events.Length];
        var claimed = await ClaimAsync(events, results);

        var delivered = claimed.Where(i => events[i].ThreadId is null).ToList();
        var stored = new bool[events.Length];
        foreach (var (index, outcome) in await RecordInThreadsAsync(events, claimed))
        {
            if (outcome.BoundToOtherIdea is { } otherIdea)
            {
                results[index] = new IngestResult(IngestStatus.Conflict, "threadId",
                    $"thread '{events[index].ThreadId}' belongs to idea '{otherIdea}', not '{events[index].IdeaId}'");
                continue;
            }
            stored[index] |= outcome.Stored;
            delivered.Add(index);
        }

        var byUser = delivered.GroupBy(i => events[i].UserId)
            .Select(group => Record(group.ToArray(), indexes => GrainFactory.GetGrain<IUserGrain>(group.Key).RecordAsync(indexes)));
        var byIdea = delivered.GroupBy(i => events[i].IdeaId)
            .Select(group => Record(group.ToArray(), indexes => GrainFactory.GetGrain<IIdeaGrain>(group.Key).RecordAsync(indexes)));
        foreach (var (indexes, newlyStored) in await Task.WhenAll(byUser.Concat(byIdea)))
        {
            for (var i = 0; i < indexes.Length; i++)
            {
                stored[indexes[i]] |= newlyStored[i];
            }
        }

        foreach (var index in delivered)
        {
            // A duplicate that completed an earlier, interrupted attempt did change something: report it accepted.
            results[index] ??= stored[index] ? IngestResult.Accepted : IngestResult.Duplicate;
        }
        return results.Select(result => result!).ToArray();

        async Task<(int[] Indexes, bool[] Stored)> Record(int[] indexes, Func<Interaction[], Task<bool[]>> record) =>
            (indexes, await record(indexes.Select(i => events[i]).ToArray()));
    }

    /// <summary>Settles every event id; returns the indexes to deliver (new ones and duplicates), conflicts filled in.</summary>
    private async Task<List<int>> ClaimAsync(Interaction[] events, IngestResult?[] results)
    {
        var hashes = events.Select(ContentHash.Of).ToArray();
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var claims = new List<EventClaim>(events.Length);
        var claimIndexes = new List<int>(events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            if (firstIndex.TryGetValue(events[i].EventId, out var first))
            {
                // The same id twice in one request: the later copy is a duplicate or a conflict of the first.
                results[i] = hashes[first].AsSpan().SequenceEqual(hashes[i]) ? IngestResult.Duplicate : ReusedId();
                continue;
            }
            firstIndex.Add(events[i].EventId, i);
            claims.Add(new EventClaim(events[i].EventId, hashes[i]));
            claimIndexes.Add(i);
        }
        var outcomes = await ledger.ClaimAsync(claims);
        var toDeliver = new List<int>(claims.Count);
        for (var c = 0; c < outcomes.Length; c++)
        {
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
        return toDeliver;
    }

    private async Task<List<(int Index, ThreadRecordResult Outcome)>> RecordInThreadsAsync(Interaction[] events, List<int> claimed)
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
