using System.Collections.Concurrent;
using Collaboration.Journal;

namespace Collaboration.Bench;

/// <summary>
/// The journal without durability, for benchmark 3: per-stream lists with the same version check and event-id
/// dedupe as the real journals. It has no feed, so the silo runs with Analytics:Enabled=false.
/// </summary>
public sealed class MemoryEventJournal : IEventJournal
{
    private readonly ConcurrentDictionary<string, StreamLog> streams = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long afterVersion, CancellationToken ct = default)
    {
        var stream = streams.GetOrAdd(streamId, _ => new StreamLog());
        lock (stream)
        {
            return Task.FromResult<IReadOnlyList<StoredEvent>>(stream.Events.Skip((int)afterVersion).ToList());
        }
    }

    public Task<AppendResult> TryAppendAsync(string streamId, long expectedVersion, IReadOnlyList<JournalEvent> events, CancellationToken ct = default)
    {
        var stream = streams.GetOrAdd(streamId, _ => new StreamLog());
        lock (stream)
        {
            if (stream.Events.Count != expectedVersion)
            {
                return Task.FromResult(AppendResult.Conflict(stream.Events.Count));
            }
            var stored = new bool[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                stored[i] = stream.Ids.Add(events[i].EventId);
                if (stored[i])
                {
                    stream.Events.Add(new StoredEvent(stream.Events.Count + 1, events[i]));
                }
            }
            return Task.FromResult(new AppendResult(false, stream.Events.Count, stored));
        }
    }

    public Task<StreamHistory> LoadAsync(string streamId, CancellationToken ct = default)
    {
        var stream = streams.GetOrAdd(streamId, _ => new StreamLog());
        lock (stream)
        {
            var snapshot = stream.Snapshot;
            return Task.FromResult(new StreamHistory(snapshot, stream.Events.Skip((int)(snapshot?.Version ?? 0)).ToList()));
        }
    }

    public Task SaveSnapshotAsync(string streamId, StreamSnapshot snapshot, CancellationToken ct = default)
    {
        var stream = streams.GetOrAdd(streamId, _ => new StreamLog());
        lock (stream)
        {
            if (stream.Snapshot is null || snapshot.Version >= stream.Snapshot.Version)
            {
                stream.Snapshot = snapshot;
            }
        }
        return Task.CompletedTask;
    }

    public Task<FeedPage> ReadFeedAsync(string streamPrefix, FeedCursor from, int maxEvents, CancellationToken ct = default) =>
        throw new NotSupportedException("The benchmark's memory journal has no feed; run with Analytics:Enabled=false.");

    public Task<long> FeedHeadAsync(CancellationToken ct = default) =>
        throw new NotSupportedException("The benchmark's memory journal has no feed; run with Analytics:Enabled=false.");

    /// <summary>No feed, so nothing to follow: never completes.</summary>
    public Task NextCommit() => Never.Task;

    private static readonly TaskCompletionSource Never = new();

    private sealed class StreamLog
    {
        public List<StoredEvent> Events { get; } = [];

        public HashSet<string> Ids { get; } = new(StringComparer.Ordinal);

        public StreamSnapshot? Snapshot { get; set; }
    }
}
