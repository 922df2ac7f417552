using System.Diagnostics;
using Collaboration.Errors;
using Collaboration.EventSourcing;
using Collaboration.Journal;
using Collaboration.Reads;
using Collaboration.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;

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
[Reentrant]
public sealed partial class AnalyticsGrain(
    IEventJournal journal, IReadModelSnapshotStore snapshots, IOptions<AnalyticsOptions> options, ReadModelProgress progress,
    CollaborationMetrics metrics, TimeProvider clock, ILogger<AnalyticsGrain> logger)
    : Grain, IAnalyticsGrain
{
    /// <summary>The model's name in the snapshot store.</summary>
    public const string SnapshotName = "participation";

    private const string UserStreams = "user/";
    private const int PageSize = 5_000;

    /// <summary>Events applied in one turn; reads waiting for the fold run between slices.</summary>
    private const int SliceSize = 256;

    /// <summary>How long a read waits for a feed that makes no progress before it gives up.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

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

    // Snapshots: the newest stored (kept with the one before it), and the one being written.
    private long? storedSnapshot;
    private long eventsAtSnapshot;
    private DateTimeOffset snapshotStartedAt;
    private Task<long?>? snapshotWrite;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Until the first catch-up ends the model is behind everything committed before the activation.
        caughtUpAt = activatedAt = clock.GetUtcNow();
        await LoadSnapshotAsync(cancellationToken);
        eventsAtSnapshot = model.EventsApplied;
        snapshotStartedAt = activatedAt;
        progress.Report(head, cursor.Position, caughtUpAt);
        // Following the feed in the background keeps a read's wait short, and keeps the activation alive.
        this.RegisterGrainTimer(_ => FollowAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromMilliseconds(50))
        {
            KeepAlive = true,
            Interleave = true,
        });
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        progress.Clear();
        // A deployment or a shutdown leaves a snapshot of everything folded, so the next activation has no tail to fold.
        if (folding is not { IsCompleted: false } && model.EventsApplied > eventsAtSnapshot && snapshotWrite is null or { IsCompleted: true })
        {
            try
            {
                await StartSnapshot().WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                logger.LogWarning("The read model's snapshot at deactivation did not finish in time; the next activation folds a longer tail");
            }
        }
    }

    public Task<ReadModelLag> GetLagAsync() =>
        Task.FromResult(progress.Lag() ?? new ReadModelLag(Math.Max(0, head - cursor.Position), clock.GetUtcNow() - caughtUpAt));

    public Task CatchUpAsync() => CaughtUpAsync();

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

    public async Task<UserBreadth?> GetBreadthAsync(string userId, ReadWindow window, DateTimeOffset end)
    {
        await CaughtUpAsync();
        return model.Breadth(userId, window, end) is { } perDimension ? UserBreadth.From(perDimension) : null;
    }

    /// <summary>
    /// Returns once the model holds every event committed before the call: the feed head read now has been passed by
    /// a page read after it (see <see cref="IEventJournal.FeedHeadAsync"/>).
    /// </summary>
    private async Task CaughtUpAsync()
    {
        var target = await journal.FeedHeadAsync();
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
            head = Math.Max(head, await journal.FeedHeadAsync());
        }
        await Fold();
        TakeSnapshotIfDue();
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
                var page = await journal.ReadFeedAsync(UserStreams, cursor, PageSize);
                for (var i = 0; i < page.Events.Count; i++)
                {
                    var row = page.Events[i];
                    model.Apply(row.StreamId[UserStreams.Length..], StreamEventCodec.Decode(row.Event));
                    if ((i + 1) % SliceSize == 0 && i + 1 < page.Events.Count)
                    {
                        await Task.Yield();
                    }
                }
                RecordDelays(page.Events);
                var stalled = page.Events.Count == 0 && page.Next.Position == cursor.Position;
                cursor = page.Next;
                cursorTicket = ticket;
                head = Math.Max(head, cursor.Position);
                progress.Report(head, cursor.Position, caughtUpAt);
                waiters.RemoveAll(waiter => waiter.TryRelease(cursor, cursorTicket));
                // A page without progress is fine when it only had to be read after a waiter's head (pending
                // transactions); below a head the journal gave out it is a stall. The journals never stall (transactions
                // still running are left pending); should one ever, fail the reads rather than spin.
                if (stalled && (cursor.Position < head || waiters.Exists(waiter => cursor.Position < waiter.Head)))
                {
                    stalledSince ??= Stopwatch.GetTimestamp();
                    if (Stopwatch.GetElapsedTime(stalledSince.Value) > MaxWait)
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
            progress.Report(head, cursor.Position, caughtUpAt);
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
                // Once per outage: the timer retries every 50 ms.
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
    private void RecordDelays(IReadOnlyList<FeedEvent> folded)
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

    private void TakeSnapshotIfDue()
    {
        if (snapshotWrite is { IsCompleted: false } || folding is { IsCompleted: false })
        {
            return;
        }
        var value = options.Value;
        if (model.EventsApplied - eventsAtSnapshot >= value.SnapshotEveryEvents && clock.GetUtcNow() - snapshotStartedAt >= value.SnapshotMinInterval)
        {
            StartSnapshot().Ignore();
        }
    }

    /// <summary>
    /// Writes the model's body now, on the grain's turn (the only pause the fold sees), and compresses and stores it in
    /// the background. Keeps the snapshot before the new one, so a damaged newest snapshot still leaves one to load.
    /// </summary>
    private Task<long?> StartSnapshot()
    {
        if (snapshotWrite is { IsCompletedSuccessfully: true, Result: { } written })
        {
            storedSnapshot = written;
        }
        var started = Stopwatch.GetTimestamp();
        var body = new MemoryStream();
        model.WriteTo(body);
        var serialized = Stopwatch.GetElapsedTime(started);
        var (at, events, keepFrom) = (cursor, model.EventsApplied, storedSnapshot ?? cursor.Position);
        eventsAtSnapshot = events;
        snapshotStartedAt = clock.GetUtcNow();
        return snapshotWrite = Task.Run(async () =>
        {
            try
            {
                var stored = Stopwatch.GetTimestamp();
                var encoded = ReadModelSnapshotFormat.Encode(at, events, body.GetBuffer().AsSpan(0, (int)body.Length));
                for (var part = 0; part < encoded.Parts.Count; part++)
                {
                    await snapshots.WritePartAsync(SnapshotName, at.Position, part + 1, encoded.Parts[part]);
                }
                await snapshots.WritePartAsync(SnapshotName, at.Position, 0, encoded.Header);
                await snapshots.DeleteBelowAsync(SnapshotName, Math.Min(keepFrom, at.Position));
                metrics.SnapshotWritten(saved: true);
                logger.LogInformation(
                    "Read model snapshot at feed position {Position}: {Events} events, {BodyBytes} bytes ({StoredBytes} stored), written in {Serialized} on the grain and {Stored} in the background",
                    at.Position, events, body.Length, encoded.StoredBytes, serialized, Stopwatch.GetElapsedTime(stored));
                return (long?)at.Position;
            }
            catch (Exception ex)
            {
                // A snapshot is a cache: the next one is attempted when due, and activation can always replay.
                metrics.SnapshotWritten(saved: false);
                logger.LogWarning(ex, "Read model snapshot at feed position {Position} was not stored", at.Position);
                return null;
            }
        });
    }

    /// <summary>Loads the newest snapshot that reads back whole; logs and skips any that does not.</summary>
    private async Task LoadSnapshotAsync(CancellationToken cancellationToken)
    {
        var positions = await snapshots.ListAsync(SnapshotName, cancellationToken);
        foreach (var position in positions)
        {
            var started = Stopwatch.GetTimestamp();
            var parts = await snapshots.ReadAsync(SnapshotName, position, cancellationToken);
            try
            {
                // Inflating and reading hundreds of MB would hold the grain's thread: do it on the thread pool.
                var (loaded, decoded) = await Task.Run(() =>
                {
                    var decoded = ReadModelSnapshotFormat.Decode(parts);
                    using var body = decoded.Body;
                    var loaded = AnalyticsModel.ReadFrom(body);
                    return loaded.EventsApplied == decoded.EventsApplied
                        ? (loaded, decoded)
                        : throw new InvalidDataException($"The body holds {loaded.EventsApplied} events; the header says {decoded.EventsApplied}.");
                }, cancellationToken);
                (model, cursor, storedSnapshot) = (loaded, decoded.Cursor, position);
                logger.LogInformation(
                    "Read model loaded its snapshot at feed position {Position} ({Events} events, {BodyBytes} bytes) in {Elapsed}; folding the events after it",
                    position, decoded.EventsApplied, decoded.BodyLength, Stopwatch.GetElapsedTime(started));
                return;
            }
            catch (InvalidDataException ex)
            {
                logger.LogWarning("Read model snapshot at feed position {Position} is damaged or incompatible and is ignored: {Reason}", position, ex.Message);
            }
        }
        logger.LogInformation(positions.Count > 0
            ? "No read model snapshot could be used; rebuilding the read model from the whole journal"
            : "No read model snapshot is stored yet; building the read model from the whole journal");
    }

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
