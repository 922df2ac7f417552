using System.Diagnostics;
using Collaboration.Errors;
using Collaboration.Events;
using Collaboration.Journal;
using Collaboration.Rebuild;
using Collaboration.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collaboration.EventSourcing;

/// <summary>
/// Our equivalent of a JournaledGrain with custom storage: the grain's state is a fold of its own stream in the
/// journal. Activation loads the snapshot plus the tail after it; <see cref="AppendAsync"/> stores events first and
/// applies only those the journal took as new, so a redelivered event never counts twice and in-memory state never
/// runs ahead of storage. Appends requested while one is in flight wait and are then written together (group commit
/// within the grain), so a popular idea takes one journal write per commit round instead of one per caller. A rebuild
/// (<see cref="RebuildFromJournalAsync"/>) takes its turn in the same queue, between two rounds of appends.
/// </summary>
public abstract class EventSourcedGrain<TState>(IEventJournal journal, IOptions<JournalOptions> options, ILogger logger) : Grain
    where TState : class, IFold<TState>, new()
{
    private long version;
    private long snapshotVersion;
    private long eventsSinceSnapshot;
    private readonly List<QueuedWork> queued = [];
    private bool writing;

    protected TState State { get; private set; } = new();

    /// <summary>The journal stream this grain owns, e.g. "user/u-1001".</summary>
    protected abstract string StreamId { get; }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (snapshot, tail) = await journal.LoadAsync(StreamId, cancellationToken);
        if (snapshot is not null && TryRestore(snapshot))
        {
            version = snapshotVersion = snapshot.Version;
        }
        else if (snapshot is not null)
        {
            tail = await journal.ReadStreamAsync(StreamId, 0, cancellationToken);
        }
        foreach (var stored in tail)
        {
            State.Apply(StoredEventFormat.Decode(stored.Event));
            version = stored.Version;
        }
        eventsSinceSnapshot = tail.Count;
    }

    /// <summary>Stores <paramref name="events"/> and applies those the stream did not hold yet.</summary>
    protected Task AppendAsync(IReadOnlyList<IStreamEvent> events)
    {
        var append = new QueuedAppend(events);
        Enqueue(append);
        return append.Stored.Task;
    }

    /// <summary>
    /// Folds the whole stream from version 0 into a fresh state (the snapshot is ignored), replaces the state and the
    /// version with it, saves a snapshot of it, and reports what differed. It runs in the write queue: appends queued
    /// before it are stored and applied first, appends queued after it are written on top of the rebuilt state, so
    /// none is lost or applied twice, and the version an append expects is the rebuilt one.
    /// </summary>
    protected Task<RebuildReport> RebuildFromJournalAsync()
    {
        var rebuild = new QueuedRebuild();
        Enqueue(rebuild);
        return rebuild.Done.Task;
    }

    private void Enqueue(QueuedWork work)
    {
        queued.Add(work);
        if (!writing)
        {
            writing = true;
            WriteQueuedAsync().Ignore();
        }
    }

    /// <summary>Works through the queue, one journal append per round of appends, until nothing more is waiting.</summary>
    private async Task WriteQueuedAsync()
    {
        try
        {
            while (queued.Count > 0)
            {
                if (queued[0] is QueuedRebuild rebuild)
                {
                    queued.RemoveAt(0);
                    try
                    {
                        rebuild.Done.TrySetResult(await RebuildStateAsync());
                    }
                    catch (Exception ex)
                    {
                        rebuild.Done.TrySetException(ex);
                    }
                    continue;
                }
                // A round stops at the next rebuild: appends queued after it must go on top of the rebuilt state.
                var next = queued.FindIndex(work => work is QueuedRebuild);
                var round = queued.Take(next < 0 ? queued.Count : next).Cast<QueuedAppend>().ToArray();
                queued.RemoveRange(0, round.Length);
                try
                {
                    await WriteAsync(round.Length == 1 ? round[0].Events : round.SelectMany(append => append.Events).ToArray());
                    Array.ForEach(round, append => append.Stored.TrySetResult());
                }
                catch (Exception ex)
                {
                    Array.ForEach(round, append => append.Stored.TrySetException(ex));
                }
            }
        }
        finally
        {
            writing = false;
        }
    }

    private async Task WriteAsync(IReadOnlyList<IStreamEvent> events)
    {
        var encoded = new JournalEvent[events.Count];
        for (var i = 0; i < encoded.Length; i++)
        {
            encoded[i] = StoredEventFormat.Encode(events[i]);
        }
        AppendResult result;
        try
        {
            result = await journal.TryAppendAsync(StreamId, version, encoded);
        }
        catch
        {
            // The write may or may not have landed: reload from the journal on the next call.
            DeactivateOnIdle();
            throw;
        }
        if (result.VersionConflict)
        {
            DeactivateOnIdle();
            throw new StorageUnavailableException($"Stream {StreamId} moved to version {result.Version} elsewhere; retry.");
        }
        for (var i = 0; i < events.Count; i++)
        {
            if (result.Stored[i])
            {
                State.Apply(events[i]);
                eventsSinceSnapshot++;
            }
        }
        version = result.Version;
        if (eventsSinceSnapshot >= Math.Max(options.Value.SnapshotEvery, snapshotVersion / 4))
        {
            await SaveSnapshotAsync();
        }
    }

    /// <summary>The rebuild itself; nothing else runs in the write queue meanwhile, so the version cannot move under it.</summary>
    private async Task<RebuildReport> RebuildStateAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var stored = await journal.ReadStreamAsync(StreamId, 0);
        var fresh = new TState();
        foreach (var row in stored)
        {
            fresh.Apply(StoredEventFormat.Decode(row.Event));
        }
        var freshVersion = stored.Count > 0 ? stored[^1].Version : 0;
        var changes = Summaries.Changes(
            State.Summarize().Prepend(("version", Summaries.Of(version))), fresh.Summarize().Prepend(("version", Summaries.Of(freshVersion))));
        if (changes.Length == 0 && !State.ToSnapshot().AsSpan().SequenceEqual(fresh.ToSnapshot()))
        {
            // Same counts, other content (e.g. a damaged snapshot that still parsed): still a change worth reporting.
            changes = [new RebuildChange("content", "differed", "rebuilt")];
        }
        State = fresh;
        version = freshVersion;
        eventsSinceSnapshot = Math.Max(0, version - snapshotVersion);
        if (stored.Count > 0)
        {
            await SaveSnapshotAsync();
        }
        if (changes.Length > 0)
        {
            logger.LogWarning("Rebuild of {Stream} changed its state: {Changes}", StreamId, string.Join("; ", changes.Select(c => $"{c.Name} {c.Before} -> {c.After}")));
        }
        return new RebuildReport(StreamId, stored.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds, changes.Length > 0, changes);
    }

    private async Task SaveSnapshotAsync()
    {
        try
        {
            await journal.SaveSnapshotAsync(StreamId, new StreamSnapshot(version, State.ToSnapshot()));
            snapshotVersion = version;
            eventsSinceSnapshot = 0;
            Metrics?.SnapshotWritten(saved: true);
        }
        catch (StorageUnavailableException ex)
        {
            Metrics?.SnapshotWritten(saved: false);
            // A snapshot is only a cache; the events are stored, so the append still succeeded.
            logger.LogWarning(ex, "Snapshot of {Stream} at version {Version} was not saved", StreamId, version);
        }
    }

    // From the services rather than the constructor, so the grains deriving from this one need not pass it along.
    private CollaborationMetrics? Metrics => ServiceProvider.GetService<CollaborationMetrics>();

    private abstract class QueuedWork;

    private sealed class QueuedAppend(IReadOnlyList<IStreamEvent> events) : QueuedWork
    {
        public IReadOnlyList<IStreamEvent> Events => events;

        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class QueuedRebuild : QueuedWork
    {
        public TaskCompletionSource<RebuildReport> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private bool TryRestore(StreamSnapshot snapshot)
    {
        try
        {
            State = TState.FromSnapshot(snapshot.Data);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever is wrong with a snapshot (an older format, a damaged row), the stream itself is the truth.
            logger.LogWarning(ex, "Snapshot of {Stream} is unreadable; replaying the whole stream", StreamId);
            State = new TState();
            return false;
        }
    }
}
