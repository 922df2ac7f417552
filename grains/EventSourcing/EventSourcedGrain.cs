using Collaboration.Errors;
using Collaboration.Events;
using Collaboration.Journal;
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
/// within the grain), so a popular idea takes one journal write per commit round instead of one per caller.
/// </summary>
public abstract class EventSourcedGrain<TState>(IEventJournal journal, IOptions<JournalOptions> options, ILogger logger) : Grain
    where TState : class, IFold<TState>, new()
{
    private long version;
    private long snapshotVersion;
    private long eventsSinceSnapshot;
    private readonly List<QueuedAppend> queued = [];
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
            State.Apply(StreamEventCodec.Decode(stored.Event));
            version = stored.Version;
        }
        eventsSinceSnapshot = tail.Count;
    }

    /// <summary>Stores <paramref name="events"/> and applies those the stream did not hold yet.</summary>
    protected Task AppendAsync(IReadOnlyList<IStreamEvent> events)
    {
        var append = new QueuedAppend(events);
        queued.Add(append);
        if (!writing)
        {
            writing = true;
            WriteQueuedAsync().Ignore();
        }
        return append.Stored.Task;
    }

    /// <summary>Writes what is queued, one journal append per round, until nothing more is waiting.</summary>
    private async Task WriteQueuedAsync()
    {
        try
        {
            while (queued.Count > 0)
            {
                var round = queued.ToArray();
                queued.Clear();
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
            encoded[i] = StreamEventCodec.Encode(events[i]);
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

    private sealed record QueuedAppend(IReadOnlyList<IStreamEvent> Events)
    {
        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
