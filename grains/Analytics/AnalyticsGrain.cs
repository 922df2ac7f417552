using System.Diagnostics;
using Collaboration.Errors;
using Collaboration.EventSourcing;
using Collaboration.Journal;
using Collaboration.Reads;
using Collaboration.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.GrainDirectory;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Collaboration.Analytics;

/// <summary>
/// Hosts the <see cref="AnalyticsModel"/>: on activation it loads the newest good snapshot of the model (or starts
/// empty), then follows the journal's feed from the position the snapshot covers. Ingestion never calls it, so it
/// cannot slow ingestion down beyond the CPU its fold takes. Every user stream holds each event once, and the feed
/// yields each row once in commit order, so a redelivered event is never counted twice and the model is always the
/// fold of what the journal holds.
///
/// Reads interleave with the fold (the grain is reentrant; the model is only touched between awaits, on the grain's
/// one thread): a read reads the feed head, waits until the fold has passed it, and answers. The fold applies events
/// in slices and yields between them, so a read waits for the events committed before it, not behind a whole page.
/// </summary>
// The rebalancer moves activations at random; moving this one would throw its fold away and reload it.
[Immovable(ImmovableKind.Rebalancer)]
[ReadModelReplicaPlacement]
// Registered in a directory that survives the loss of a silo: in the default one, a replica whose registration lived
// on the dead silo is deactivated with it, and the warm standby would go cold together with the replica it backs up.
[GrainDirectory(ReadModelReplicaPlacement.Directory)]
// Exempt from collection: Orleans' shedding under memory pressure (on by default here) ignores timers that keep an
// activation alive and would take the largest activation for an idle one, and reloading it costs a minute at scale.
[CollectionAgeLimit(AlwaysActive = true)]
[Reentrant]
public sealed partial class AnalyticsGrain(
    IEventStore store, IReadModelSnapshotStore snapshotStore, IOptions<AnalyticsOptions> options, ReadModelProgress progress,
    CollaborationMetrics metrics, IClusterMembershipService membership, ReadModelReplicaLocations locations, TimeProvider clock, ILogger<AnalyticsGrain> logger)
    : Grain, IAnalyticsGrain
{
    private AnalyticsModel model = new();
    private FeedCursor cursor = FeedCursor.Start;

    /// <summary>Page reads and waiting reads draw from one sequence, so a read knows which pages began after it.</summary>
    private long tickets;
    private long cursorTicket;
    private long head;
    private Task? folding;
    private bool failing;
    private readonly List<Waiter> waiters = [];
    private DateTimeOffset caughtUpAt;
    private DateTimeOffset activatedAt;

    // Snapshots: the live model's event count when the last one began, the events the newest stored one holds, the one
    // being written, how long the last took.
    private readonly ReadModelSnapshots snapshots = new(store, snapshotStore, logger);
    private long eventsAtSnapshot;
    private int erasuresAtSnapshot;
    private long eventsStored;
    private DateTimeOffset snapshotFinishedAt;
    private TimeSpan lastSnapshotTook;
    private Task? snapshotWrite;
    private bool rebuilding;
    private readonly CancellationTokenSource following = new();

    /// <summary>Which replica of the model this is (its key); replica 0 writes the snapshots every replica loads.</summary>
    private int Replica => (int)this.GetPrimaryKeyLong();

    private bool WritesSnapshots => Replica == 0;

    private bool leaving;

    /// <summary>
    /// How often the replica reads the feed head on its own, besides the commit signal: for commits the journal cannot
    /// tell of (another process on the same SQLite file, a notification lost while PostgreSQL's listening connection
    /// was re-established) and to retry after a failed fold. A read never waits for it: it starts the fold itself.
    /// </summary>
    private static readonly TimeSpan FeedPoll = TimeSpan.FromSeconds(1);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Until the first catch-up ends the model is behind everything committed before the activation.
        caughtUpAt = activatedAt = clock.GetUtcNow();
        logger.LogInformation("Read model replica {Replica} activates on {Silo}", Replica, GrainContext.Address.SiloAddress);
        if (await snapshots.LoadNewestAsync(cancellationToken) is { } loaded)
        {
            (model, cursor) = (loaded.Model, loaded.Cursor);
        }
        else
        {
            logger.LogInformation("No read model snapshot could be used; building the read model from the whole journal");
        }
        MoveHorizon();
        eventsAtSnapshot = eventsStored = model.EventsApplied;
        snapshotFinishedAt = activatedAt;
        ReportProgress();
        // Following the feed in the background keeps a read's wait short: at once after each commit the journal tells of,
        // and at every turn of the timer for one it could not (see FeedPoll). The timer keeps the activation alive.
        FollowCommitsAsync(following.Token).Ignore();
        this.RegisterGrainTimer(_ => FollowAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, FeedPoll)
        {
            KeepAlive = true,
            Interleave = true,
        });
    }

    /// <summary>
    /// A replica that shares its silo with a lower one while some active silo hosts none migrates there (the directory
    /// learns the new place at once, so callers follow it); the lower replica answers meanwhile. So a cluster that
    /// started on one silo spreads its replicas as silos join.
    /// </summary>
    private void LeaveIfCrowded()
    {
        var here = GrainContext.Address.SiloAddress!;
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);
        if (!leaving && ReadModelReplicaPlacementDirector.MoveTarget(
                Replica, options.Value.ReplicaCount, progress.Hosted, active, locations.Occupied().Append(here).ToHashSet()) is { } target)
        {
            logger.LogInformation("Read model replica {Replica} shares its silo with another and moves to {Silo}", Replica, target);
            leaving = true;
            RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
            this.MigrateOnIdle();
        }
    }

    /// <summary>The keepers ask every two seconds; the replica checks its placement on the way (<see cref="LeaveIfCrowded"/>).</summary>
    public Task<SiloAddress> GetSiloAsync()
    {
        LeaveIfCrowded();
        return Task.FromResult(GrainContext.Address.SiloAddress!);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        logger.LogInformation("Read model replica {Replica} deactivates: {Reason}", Replica, reason);
        progress.Clear(Replica);
        await following.CancelAsync();
        // A deployment or a shutdown leaves a snapshot of everything folded, so the next activation has no tail to fold.
        try
        {
            if (snapshotWrite is { IsCompleted: false } running)
            {
                await running.WaitAsync(cancellationToken);
            }
            if (WritesSnapshots && folding is not { IsCompleted: false } && model.EventsApplied > eventsStored)
            {
                await StoreLiveModel().WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("The read model's snapshot at deactivation did not finish in time; the next activation folds a longer tail");
        }
    }

    public Task<ReadModelLag> GetLagAsync() =>
        Task.FromResult(progress.Lag(Replica) ?? new ReadModelLag(Math.Max(0, head - cursor.Position), clock.GetUtcNow() - caughtUpAt));

    public async Task<ParticipationStats> GetParticipationAsync(ReadWindow window, DateTimeOffset end, Dimension? by)
    {
        await CaughtUpAsync();
        var stats = model.Participation(window, end, by);
        return stats.Groups is null ? stats : stats with
        {
            Groups = PrivacyFloor.Apply(stats.Groups, options.Value.PrivacyFloor, g => g.Key, g => g.Counts.Users,
                hidden => new GroupTierCounts(PrivacyFloor.OtherKey, hidden.Select(g => g.Counts).Aggregate((a, b) => a + b))),
        };
    }

    public async Task<TieStats> GetTiesAsync(ReadWindow window, DateTimeOffset end, Dimension by)
    {
        await CaughtUpAsync();
        var stats = model.Ties(window, end, by);
        return stats with
        {
            Groups = PrivacyFloor.Apply(stats.Groups, options.Value.PrivacyFloor, g => g.Key, g => g.Users,
                hidden => new GroupTieCounts(PrivacyFloor.OtherKey, hidden.Sum(g => g.Users), hidden.Sum(g => g.External), hidden.Sum(g => g.Internal))),
        };
    }

    public async Task<TieMatrix> GetTieMatrixAsync(ReadWindow window, DateTimeOffset end, Dimension by)
    {
        await CaughtUpAsync();
        return model.TieMatrix(window, end, by, options.Value.PrivacyFloor);
    }

    public async Task<IdeaContributors?> GetIdeaContributorsAsync(string ideaId, ReadWindow window, DateTimeOffset end, Dimension by)
    {
        await CaughtUpAsync();
        return model.IdeaContributors(ideaId, window, end, by, options.Value.PrivacyFloor);
    }

    public async Task<TierMoves> GetFunnelAsync(ReadWindow window, DateTimeOffset end)
    {
        await CaughtUpAsync();
        return TierMoves.From(model.Funnel(window, end));
    }

    public async Task<DayTierCounts[]> GetDailyAsync(int days, DateTimeOffset end)
    {
        await CaughtUpAsync();
        return model.Daily(days, end);
    }

    public async Task<IdeaReach?> GetIdeaReachAsync(string ideaId, ReadWindow window, DateTimeOffset end)
    {
        await CaughtUpAsync();
        return model.Reach(ideaId, window, end, CriticalMass.Of(options.Value));
    }

    public async Task<RankedIdea[]> GetTopIdeasAsync(ReadWindow window, DateTimeOffset end, IdeaRanking ranking, int limit)
    {
        await CaughtUpAsync();
        return model.TopIdeas(window, end, ranking, limit, CriticalMass.Of(options.Value));
    }

    public async Task<FollowStats> GetFollowsAsync(TimeSpan window, DateTimeOffset now, Dimension? by)
    {
        await CaughtUpAsync();
        var stats = model.Follows(window, now, by);
        return stats.Groups is null ? stats : stats with
        {
            Groups = PrivacyFloor.Apply(stats.Groups, options.Value.PrivacyFloor, g => g.Key, g => g.Users,
                hidden => hidden.Aggregate((a, b) => a + b) with { Key = PrivacyFloor.OtherKey }),
        };
    }

    public async Task<PeopleSuggestions?> SuggestPeopleAsync(string ideaId, Dimension by, int limit, DateTimeOffset end)
    {
        await CaughtUpAsync();
        return model.SuggestPeople(ideaId, by, limit, end);
    }

    public async Task<SuggestedIdea[]?> SuggestIdeasAsync(string userId, int limit, DateTimeOffset end)
    {
        await CaughtUpAsync();
        return model.SuggestIdeas(userId, limit, end, CriticalMass.Of(options.Value));
    }

    public async Task<UserBreadth?> GetBreadthAsync(string userId, ReadWindow window, DateTimeOffset end)
    {
        await CaughtUpAsync();
        return model.Breadth(userId, window, end) is { } perDimension ? UserBreadth.From(perDimension) : null;
    }

    /// <summary>
    /// Returns once the model holds every event committed before the call: the feed head read now has been passed by
    /// a page read after it (see <see cref="IEventStore.FeedHeadAsync"/>).
    /// </summary>
    private async Task CaughtUpAsync()
    {
        var target = await store.FeedHeadAsync();
        var waiter = new Waiter(target, ++tickets);
        if (waiter.IsMetBy(cursor, cursorTicket))
        {
            return;
        }
        waiters.Add(waiter);
        _ = Fold();
        await waiter.Reached.Task;
    }

    /// <summary>The timer's turn: fold what was committed since the last one, then take a snapshot if one is due.</summary>
    private async Task FollowAsync()
    {
        if (folding is not { IsCompleted: false })
        {
            head = Math.Max(head, await store.FeedHeadAsync());
        }
        MoveHorizon();
        await Fold();
        TakeSnapshotIfDue();
        if (retentionRefoldDue)
        {
            RefoldForRetentionIfDueAsync().Ignore();
        }
    }

    /// <summary>Forgets what no answer can read any more (<see cref="AnalyticsOptions.HorizonDays"/>): a walk of the model once a day.</summary>
    private void MoveHorizon()
    {
        if (folding is not { IsCompleted: false } && !rebuilding)
        {
            model.Forget(ReadHorizon.FirstDay(options.Value.HorizonDays, clock.GetUtcNow()));
        }
    }

    /// <summary>
    /// Folds after every commit the journal tells of (<see cref="IEventStore.NextCommit"/>: this process's, and on
    /// PostgreSQL every silo's), so that a read finds at most the last commit or two still to fold. The signal is taken
    /// before the fold, so a commit during it is not missed.
    /// </summary>
    private async Task FollowCommitsAsync(CancellationToken stop)
    {
        while (true)
        {
            var next = store.NextCommit();
            try
            {
                await FollowAsync();
            }
            catch (StorageUnavailableException)
            {
                // The fold logs an outage once; the next commit, or the timer, tries again.
            }
            try
            {
                await next.WaitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The fold in progress, or a new one; a fold with nothing to do completes at once.</summary>
    private Task Fold() => folding is { IsCompleted: false } ? folding : folding = FoldAsync();

    /// <summary>
    /// Reads and applies pages until the cursor has passed the last head read and every waiting read; the only code
    /// that changes the model and the cursor. One runs at a time (<see cref="Fold"/>). A failure fails the waiting
    /// reads and is logged; the timer's next turn tries again.
    /// </summary>
    private async Task FoldAsync()
    {
        var headReadAt = clock.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        var before = model.EventsApplied;
        try
        {
            // A pending transaction may have committed since the cursor was read without moving the head: only a page
            // read after the head was taken tells.
            var recheck = cursor.Pending.Length > 0;
            long? stalledSince = null;
            while (cursor.Position < head || waiters.Count > 0 || recheck)
            {
                recheck = false;
                var ticket = ++tickets;
                var page = await store.ReadFeedAsync(cursor, ModelFeed.PageSize);
                await ModelFeed.ApplyAsync(store, model, page.Events);
                if (model.NeedsRebuild && !rebuilding)
                {
                    // The person and their pseudonym are two users here; a fold from the start makes them one.
                    RebuildAsync().Ignore();
                }
                RecordDelays(page.Events);
                var stalled = page.Events.Count == 0 && page.Next.Position == cursor.Position;
                cursor = page.Next;
                cursorTicket = ticket;
                head = Math.Max(head, cursor.Position);
                ReportProgress();
                waiters.RemoveAll(waiter => waiter.TryRelease(cursor, cursorTicket));
                // A page without progress is fine when it only had to be read after a waiter's head (pending
                // transactions); below a head the journal gave out it is a stall. The journals never stall (transactions
                // still running are left pending); should one ever, fail the reads rather than spin.
                if (stalled && (cursor.Position < head || waiters.Exists(waiter => cursor.Position < waiter.Head)))
                {
                    stalledSince ??= Stopwatch.GetTimestamp();
                    if (Stopwatch.GetElapsedTime(stalledSince.Value) > ModelFeed.MaxWait)
                    {
                        throw new StorageUnavailableException("The journal feed is not advancing; try again.");
                    }
                    await Task.Delay(5);
                }
                else
                {
                    stalledSince = null;
                }
            }
            caughtUpAt = headReadAt;
            ReportProgress();
            failing = false;
            if (model.EventsApplied - before >= 100_000)
            {
                logger.LogInformation("Analytics folded {Events} events in {Elapsed}", model.EventsApplied - before, Stopwatch.GetElapsedTime(started));
            }
        }
        catch (Exception ex)
        {
            if (!failing)
            {
                // Once per outage: the next commit signal or the timer tries again.
                logger.LogWarning(ex, "The read model could not follow the journal feed");
                failing = true;
            }
            waiters.ForEach(waiter => waiter.Reached.TrySetException(ex));
            waiters.Clear();
        }
    }

    /// <summary>
    /// Ingest-to-dashboard delay of the events just folded. Events stored before this activation began are left out:
    /// the catch-up after activation folds a tail (or the whole journal) whose old events would all look late.
    /// </summary>
    private void RecordDelays(IReadOnlyList<RecordedEvent> folded)
    {
        var now = clock.GetUtcNow();
        foreach (var row in folded)
        {
            if (row.StoredAt >= activatedAt)
            {
                metrics.EventFolded(now - row.StoredAt);
            }
        }
    }

    /// <summary>
    /// Starts a snapshot from the journal (<see cref="ReadModelSnapshots.WriteFromJournalAsync"/>) when enough events and
    /// time have passed since the last one, and at least as long as the last one took: snapshots run at most half the
    /// time, so a large model under heavy ingestion snapshots less often rather than keeping a core busy.
    /// </summary>
    private void TakeSnapshotIfDue()
    {
        if (!WritesSnapshots || snapshotWrite is { IsCompleted: false } || rebuilding)
        {
            return;
        }
        var value = options.Value;
        var sinceLast = clock.GetUtcNow() - snapshotFinishedAt;
        // An erasure deleted every stored snapshot (and one written from before it may have landed since): write one soon.
        var erased = model.ErasuresApplied > erasuresAtSnapshot && !model.NeedsRebuild;
        if ((erased || model.EventsApplied - eventsAtSnapshot >= value.SnapshotEveryEvents)
            && sinceLast >= value.SnapshotMinInterval && sinceLast >= lastSnapshotTook)
        {
            erasuresAtSnapshot = model.ErasuresApplied;
            eventsAtSnapshot = model.EventsApplied;
            var position = cursor.Position;
            // Stopped at deactivation (which then writes the live model), so none outlives the activation.
            var stop = following.Token;
            snapshotWrite = Record(Task.Run(() => snapshots.WriteFromJournalAsync(position, model.HorizonDay, stop), stop));
        }
    }

    /// <summary>
    /// Writes the live model as it stands, on the grain's turn: a pause of the fold and the reads, so only where there is
    /// nothing to serve or the model cannot be had from the journal's snapshots (deactivation, a rebuild).
    /// </summary>
    private Task StoreLiveModel()
    {
        eventsAtSnapshot = model.EventsApplied;
        // The body is written before the first await of StoreAsync, so the fold cannot change the model under it.
        return snapshotWrite = Record(Store());

        async Task<ReadModelSnapshots.Written?> Store() => await snapshots.StoreAsync(model, cursor);
    }

    private async Task Record(Task<ReadModelSnapshots.Written?> writing)
    {
        try
        {
            if (await writing is { } written)
            {
                lastSnapshotTook = written.Elapsed;
                eventsStored = Math.Max(eventsStored, written.Events);
                metrics.SnapshotWritten(saved: true);
                logger.LogInformation(
                    "Read model snapshot at feed position {Position}: {Events} events, {BodyBytes} bytes ({StoredBytes} stored), written in {Elapsed} from {Source}",
                    written.Position, written.Events, written.BodyBytes, written.StoredBytes, written.Elapsed, written.Source);
            }
        }
        catch (OperationCanceledException) when (following.IsCancellationRequested)
        {
            // Stopped by the deactivation, which writes the live model instead.
        }
        catch (Exception ex)
        {
            // A snapshot is a cache: the next one is attempted when due, and activation can always replay.
            metrics.SnapshotWritten(saved: false);
            logger.LogWarning(ex, "A read model snapshot was not stored");
        }
        snapshotFinishedAt = clock.GetUtcNow();
    }

    private void ReportProgress() => progress.Report(Replica, head, cursor.Position, caughtUpAt);

    /// <summary>A read waiting for the fold to pass <see cref="Head"/> with a page read after it took <see cref="Ticket"/>.</summary>
    private sealed class Waiter(long head, long ticket)
    {
        public long Head { get; } = head;

        public long Ticket { get; } = ticket;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsMetBy(FeedCursor cursor, long cursorTicket) =>
            cursor.Position >= Head && (cursor.Pending.Length == 0 || cursorTicket > Ticket);

        public bool TryRelease(FeedCursor cursor, long cursorTicket) => IsMetBy(cursor, cursorTicket) && Reached.TrySetResult();
    }
}
