using Collaboration.Journal;

namespace Collaboration.Bench;

/// <summary>
/// The event store and grain snapshots without durability, for benchmark 3: the same id and thread checks as the real
/// stores, under one lock, with an index per key. It has no feed, so the silo runs with Analytics:Enabled=false.
/// </summary>
public sealed class MemoryEventStore : IEventStore, IGrainSnapshotStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (long Position, byte[] Hash)> ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> threadIdeas = new(StringComparer.Ordinal);
    private readonly Dictionary<EventKey, List<RecordedEvent>> byKey = [];
    private readonly Dictionary<string, byte[]> snapshots = new(StringComparer.Ordinal);
    private long head = 1;

    public Task<StoreResult[]> StoreAsync(IReadOnlyList<EventToStore> events, CancellationToken ct = default)
    {
        var results = new StoreResult[events.Count];
        lock (gate)
        {
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                if (ids.TryGetValue(e.Event.EventId, out var known))
                {
                    results[i] = known.Hash.AsSpan().SequenceEqual(e.ContentHash)
                        ? new StoreResult(StoreOutcome.Duplicate, known.Position, known.Position)
                        : new StoreResult(StoreOutcome.ReusedId);
                    continue;
                }
                if (e.ThreadId is { } thread && (threadIdeas.TryAdd(thread, e.IdeaId!) ? null : threadIdeas[thread]) is { } idea && idea != e.IdeaId)
                {
                    results[i] = new StoreResult(StoreOutcome.ThreadOfOtherIdea, BoundIdea: idea);
                    continue;
                }
                var position = head++;
                ids.Add(e.Event.EventId, (position, e.ContentHash));
                var recorded = new RecordedEvent(position, e.UserId, e.Event, DateTimeOffset.UtcNow);
                Index(EventKey.User(e.UserId), recorded);
                if (e.IdeaId is { } ideaId)
                {
                    Index(EventKey.Idea(ideaId), recorded);
                }
                if (e.ThreadId is { } threadId)
                {
                    Index(EventKey.Thread(threadId), recorded);
                }
                results[i] = new StoreResult(StoreOutcome.Stored, position, position);
            }
        }
        return Task.FromResult(results);
    }

    public Task<EventPage> ReadAsync(EventKey key, FeedCursor from, CancellationToken ct = default)
    {
        lock (gate)
        {
            var events = byKey.TryGetValue(key, out var list) ? list.Where(e => e.Position >= from.Position).ToList() : [];
            return Task.FromResult(new EventPage(events, new FeedCursor(Math.Max(from.Position, head), [])));
        }
    }

    public Task<EventPage> ReadFeedAsync(FeedCursor from, int maxEvents, CancellationToken ct = default) =>
        throw new NotSupportedException("The in-memory store has no feed; the benchmark runs without the read model.");

    public Task<long> FeedHeadAsync(CancellationToken ct = default)
    {
        lock (gate)
        {
            return Task.FromResult(head);
        }
    }

    public Task NextCommit() => Task.Delay(Timeout.Infinite);

    // Benchmark 3 only ingests.
    public Task<IReadOnlyList<RecordedEvent>> ReadByPositionAsync(long afterPosition, int maxEvents, CancellationToken ct = default) =>
        throw new NotSupportedException("The benchmark's memory store does not expire events.");

    public Task<int> DeleteAsync(IReadOnlyCollection<long> positions, IReadOnlyCollection<EventKey> foldedBy, CancellationToken ct = default) =>
        throw new NotSupportedException("The benchmark's memory store does not expire events.");

    public Task<Erasure> EraseUserAsync(string userId, string? erasedBy, CancellationToken ct = default) =>
        throw new NotSupportedException("The benchmark's memory store does not erase.");

    public Task<Collaboration.Privacy.Pseudonyms> GetPseudonymsAsync(CancellationToken ct = default) =>
        throw new NotSupportedException("The benchmark's memory store does not erase.");

    public Task<byte[]?> LoadAsync(string streamId, CancellationToken ct = default)
    {
        lock (gate)
        {
            return Task.FromResult(snapshots.GetValueOrDefault(streamId));
        }
    }

    public Task SaveAsync(string streamId, byte[] data, CancellationToken ct = default)
    {
        lock (gate)
        {
            snapshots[streamId] = data;
        }
        return Task.CompletedTask;
    }

    private void Index(EventKey key, RecordedEvent recorded)
    {
        if (!byKey.TryGetValue(key, out var list))
        {
            byKey.Add(key, list = []);
        }
        list.Add(recorded);
    }
}
