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
/// of its <see cref="Key"/> (one user's, idea's or thread's). The grain never receives events: the ingest path stores each
/// event once and answers, and the grain reads its key's new events itself before it answers (it pulls, nobody pushes).
/// <list type="bullet">
/// <item>Activation loads the snapshot (state and the cursor it covers); every call then starts with a catch-up, one
/// read of the key's events past the cursor, so an answer includes every event committed before the call, whichever
/// silo or replica stored it. A store cursor returns each event once, so nothing is counted twice.</item>
/// <item>Ingestion activates no grain and waits for none: what a grain costs is paid when it is read, by the grains
/// that are read.</item>
/// <item>A catch-up that brings the fold <see cref="JournalOptions.SnapshotEvery"/> events (or a quarter of the events
/// at the last snapshot, if more) past its last snapshot saves one, a fold of exactly what the cursor covers.</item>
/// </list>
/// Calls take turns (none interleaves), so two catch-ups never read from the same cursor.
/// </summary>
public abstract class EventSourcedGrain<TState>(IEventStore store, IGrainSnapshotStore snapshots, IOptions<JournalOptions> options, ILogger logger)
    : Grain
    where TState : class, IFold<TState>, new()
{
    private FeedCursor cursor = FeedCursor.Start;
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
    }

    /// <summary>
    /// Folds the key's events committed since the last read; every call starts here. A snapshot is saved when one is due.
    /// </summary>
    protected async Task CatchUpAsync()
    {
        var page = await store.ReadAsync(Key, cursor);
        foreach (var stored in page.Events)
        {
            State.Apply(StoredEventFormat.Decode(stored.Event));
        }
        eventsFolded += page.Events.Count;
        cursor = page.Next;
        if (eventsFolded - eventsAtSnapshot >= Math.Max(options.Value.SnapshotEvery, eventsAtSnapshot / 4))
        {
            await SaveSnapshotAsync();
        }
    }

    /// <summary>
    /// Folds every stored event of the key into a fresh state (the snapshot is ignored), replaces the state and cursor
    /// with it, saves a snapshot of it, and reports what differed from the state the grain would have answered with.
    /// </summary>
    protected async Task<RebuildReport> RebuildFromStoreAsync(bool quiet = false)
    {
        var started = Stopwatch.GetTimestamp();
        var all = await store.ReadAsync(Key, FeedCursor.Start);
        // Read after the whole key: every event of it the cursor does not cover, and any committed between the two reads.
        var tail = await store.ReadAsync(Key, cursor);
        var inAll = all.Events.Select(stored => stored.Position).ToHashSet();
        var (caughtUp, committedBetween) = (tail.Events.Where(e => inAll.Contains(e.Position)).ToList(), tail.Events.Where(e => !inAll.Contains(e.Position)).ToList());

        // The live state brought up to the same read as the fresh fold, so the two differ only where the state is wrong.
        foreach (var stored in caughtUp)
        {
            State.Apply(StoredEventFormat.Decode(stored.Event));
        }
        var fresh = new TState();
        State.CarryHorizonTo(fresh);
        foreach (var stored in all.Events)
        {
            fresh.Apply(StoredEventFormat.Decode(stored.Event));
        }
        var changes = Summaries.Changes(
            State.Summarize().Prepend(("events", Summaries.Of(eventsFolded + caughtUp.Count))),
            fresh.Summarize().Prepend(("events", Summaries.Of(all.Events.Count))));
        if (changes.Length == 0 && !State.ToSnapshot().AsSpan().SequenceEqual(fresh.ToSnapshot()))
        {
            // Same counts, other content (e.g. a damaged snapshot that still parsed): still a change worth reporting.
            changes = [new RebuildChange("content", "differed", "rebuilt")];
        }
        foreach (var stored in committedBetween)
        {
            fresh.Apply(StoredEventFormat.Decode(stored.Event));
        }
        State = fresh;
        cursor = tail.Next;
        eventsFolded = all.Events.Count + committedBetween.Count;
        // A stored snapshot is replaced even by an empty state: left in place, the next activation would restore it.
        if (eventsFolded > 0 || snapshotStored)
        {
            await SaveSnapshotAsync();
        }
        if (quiet)
        {
            // After an erasure: the changes name the person (an owner, an author), so they are neither logged nor told.
            changes = [];
        }
        if (changes.Length > 0)
        {
            logger.LogWarning("Rebuild of {Key} changed its state: {Changes}", Key.Name, string.Join("; ", changes.Select(c => $"{c.Name} {c.Before} -> {c.After}")));
        }
        return new RebuildReport(Key.Name, all.Events.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds, changes.Length > 0, changes);
    }

    /// <summary>
    /// Drops the state and the cursor, as after an erasure that deleted this grain's events and snapshot; the next call
    /// folds what is stored from the start.
    /// </summary>
    protected void Forget()
    {
        State = new TState();
        cursor = FeedCursor.Start;
        eventsFolded = eventsAtSnapshot = 0;
        snapshotStored = false;
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
