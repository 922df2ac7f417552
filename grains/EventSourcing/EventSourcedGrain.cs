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
/// Our equivalent of a JournaledGrain over the one-record event store: the grain's state is a fold of the stored events
/// of its <see cref="Key"/> (one user's, idea's or thread's). The grain never writes those events: the ingest path stores
/// each event once and then delivers it, with its position and commit, to every grain it belongs to.
/// <list type="bullet">
/// <item>Activation loads the snapshot (state and the cursor it covers) and reads the key's events from that cursor on
/// (a catch-up), so it folds every event committed before it, whatever reached or missed the previous activation.</item>
/// <item>A delivered event is folded unless the grain has it already: the cursor covers its commit (a read returned it),
/// or an earlier delivery brought it. Duplicates, retries and deliveries racing a catch-up therefore count once.</item>
/// <item>Every <see cref="JournalOptions.SnapshotEvery"/> events the grain catches up and saves a snapshot. Only then is
/// every folded event covered by the cursor, so the snapshot is a fold of exactly what the cursor covers.</item>
/// </list>
/// Calls take turns (none interleaves), so a delivery never lands in the middle of a catch-up or a rebuild.
/// </summary>
public abstract class EventSourcedGrain<TState>(IEventStore store, IGrainSnapshotStore snapshots, IOptions<JournalOptions> options, ILogger logger)
    : Grain
    where TState : class, IFold<TState>, new()
{
    private FeedCursor cursor = FeedCursor.Start;

    /// <summary>Delivered events folded that the cursor does not cover yet: position to commit.</summary>
    private readonly Dictionary<long, long> deliveredAhead = [];

    private long eventsFolded;
    private long eventsAtSnapshot;
    private bool snapshotStored;

    protected TState State { get; private set; } = new();

    /// <summary>Whose events this grain folds.</summary>
    protected abstract EventKey Key { get; }

    protected IEventStore Store => store;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await snapshots.LoadAsync(Key.Name, cancellationToken) is { } snapshot)
        {
            snapshotStored = true;
            Restore(snapshot);
        }
        await CatchUpAsync(cancellationToken);
    }

    /// <summary>Folds the delivered events this grain has not folded yet; a snapshot is saved when one is due.</summary>
    protected async Task FoldDeliveredAsync(IEnumerable<(long Position, long Commit, IStreamEvent Event)> delivered)
    {
        foreach (var (position, commit, streamEvent) in delivered)
        {
            if (cursor.Covers(commit) || !deliveredAhead.TryAdd(position, commit))
            {
                continue;
            }
            State.Apply(streamEvent);
            eventsFolded++;
        }
        if (eventsFolded - eventsAtSnapshot >= Math.Max(options.Value.SnapshotEvery, eventsAtSnapshot / 4))
        {
            await SnapshotAsync();
        }
    }

    /// <summary>
    /// Folds every stored event of the key into a fresh state (the snapshot is ignored), replaces the state and cursor
    /// with it, saves a snapshot of it, and reports what differed.
    /// </summary>
    protected async Task<RebuildReport> RebuildFromStoreAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var page = await store.ReadAsync(Key, FeedCursor.Start);
        var fresh = new TState();
        foreach (var stored in page.Events)
        {
            fresh.Apply(StoredEventFormat.Decode(stored.Event));
        }
        var changes = Summaries.Changes(
            State.Summarize().Prepend(("events", Summaries.Of(eventsFolded))),
            fresh.Summarize().Prepend(("events", Summaries.Of(page.Events.Count))));
        if (changes.Length == 0 && !State.ToSnapshot().AsSpan().SequenceEqual(fresh.ToSnapshot()))
        {
            // Same counts, other content (e.g. a damaged snapshot that still parsed): still a change worth reporting.
            changes = [new RebuildChange("content", "differed", "rebuilt")];
        }
        // Every delivered event was committed before its delivery, so before this read: the read returned it.
        State = fresh;
        cursor = page.Next;
        deliveredAhead.Clear();
        eventsFolded = page.Events.Count;
        // A stored snapshot is replaced even by an empty state: left in place, the next activation would restore it.
        if (eventsFolded > 0 || snapshotStored)
        {
            await SaveSnapshotAsync();
        }
        if (changes.Length > 0)
        {
            logger.LogWarning("Rebuild of {Key} changed its state: {Changes}", Key.Name, string.Join("; ", changes.Select(c => $"{c.Name} {c.Before} -> {c.After}")));
        }
        return new RebuildReport(Key.Name, page.Events.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds, changes.Length > 0, changes);
    }

    /// <summary>Reads the key's events from the cursor on and folds those no delivery brought.</summary>
    private async Task CatchUpAsync(CancellationToken ct = default)
    {
        var page = await store.ReadAsync(Key, cursor, ct);
        foreach (var stored in page.Events)
        {
            // A delivered event the read returns is covered from now on: it no longer needs remembering.
            if (!deliveredAhead.Remove(stored.Position))
            {
                State.Apply(StoredEventFormat.Decode(stored.Event));
                eventsFolded++;
            }
        }
        cursor = page.Next;
    }

    private async Task SnapshotAsync()
    {
        try
        {
            await CatchUpAsync();
        }
        catch (StorageUnavailableException ex)
        {
            // The delivered events are folded; the snapshot waits for the next one that is due.
            logger.LogWarning(ex, "Catch-up of {Key} before its snapshot failed", Key.Name);
            return;
        }
        if (deliveredAhead.Count > 0)
        {
            // Cannot happen while calls take turns (a delivered event committed before the read); a snapshot now would
            // count it again after the next activation's catch-up, so none is taken.
            logger.LogWarning("Snapshot of {Key} skipped: {Count} delivered events are not covered by its read", Key.Name, deliveredAhead.Count);
            return;
        }
        await SaveSnapshotAsync();
    }

    private async Task SaveSnapshotAsync()
    {
        try
        {
            await snapshots.SaveAsync(Key.Name, GrainSnapshotFormat.Encode(cursor, eventsFolded, State.ToSnapshot()));
            eventsAtSnapshot = eventsFolded;
            snapshotStored = true;
            Metrics?.SnapshotWritten(saved: true);
        }
        catch (StorageUnavailableException ex)
        {
            Metrics?.SnapshotWritten(saved: false);
            // A snapshot is only a cache; the events are stored.
            logger.LogWarning(ex, "Snapshot of {Key} at {Events} events was not saved", Key.Name, eventsFolded);
        }
    }

    // From the services rather than the constructor, so the grains deriving from this one need not pass it along.
    private CollaborationMetrics? Metrics => ServiceProvider.GetService<CollaborationMetrics>();

    private void Restore(byte[] snapshot)
    {
        try
        {
            var (snapshotCursor, folded, state) = GrainSnapshotFormat.Decode(snapshot);
            State = TState.FromSnapshot(state);
            cursor = snapshotCursor;
            eventsFolded = eventsAtSnapshot = folded;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever is wrong with a snapshot (an older format, a damaged row), the stored events are the truth.
            logger.LogWarning(ex, "Snapshot of {Key} is unreadable; folding all of its events", Key.Name);
            State = new TState();
            cursor = FeedCursor.Start;
            eventsFolded = eventsAtSnapshot = 0;
        }
    }
}
