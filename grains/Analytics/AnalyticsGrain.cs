using System.Diagnostics;
using Collaboration.Errors;
using Collaboration.EventSourcing;
using Collaboration.Journal;
using Collaboration.Reads;
using Collaboration.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace Collaboration.Analytics;

/// <summary>
/// Hosts the <see cref="AnalyticsModel"/>: on activation it replays the user streams of the journal, then follows the
/// journal's feed. Ingestion never calls it, so it cannot slow ingestion down beyond the CPU its fold takes. Every
/// user stream holds each event once, and the feed yields each row once in commit order, so a redelivered event is
/// never counted twice and the model is always the fold of what the journal holds.
/// </summary>
// The rebalancer moves activations at random; moving this one would throw its fold away and replay the whole journal.
[Immovable(ImmovableKind.Rebalancer)]
public sealed partial class AnalyticsGrain(
    IEventJournal journal, IOptions<AnalyticsOptions> options, ReadModelProgress progress, CollaborationMetrics metrics, TimeProvider clock,
    ILogger<AnalyticsGrain> logger)
    : Grain, IAnalyticsGrain
{
    private const string UserStreams = "user/";
    private const int PageSize = 5_000;

    /// <summary>How long a read waits for a feed that makes no progress before it gives up.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    private AnalyticsModel model = new();
    private FeedCursor cursor = FeedCursor.Start;
    private long head;
    private DateTimeOffset caughtUpAt;
    private DateTimeOffset activatedAt;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Until the first replay ends the model is behind everything committed before the activation.
        caughtUpAt = activatedAt = clock.GetUtcNow();
        progress.Report(head, cursor.Position, caughtUpAt);
        // Following the feed in the background keeps a read's catch-up short, and keeps the activation alive.
        this.RegisterGrainTimer(_ => CatchUpAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromMilliseconds(50))
        {
            KeepAlive = true,
        });
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        progress.Clear();
        return Task.CompletedTask;
    }

    public Task<ReadModelLag> GetLagAsync() =>
        Task.FromResult(progress.Lag() ?? new ReadModelLag(Math.Max(0, head - cursor.Position), clock.GetUtcNow() - caughtUpAt));

    public async Task CatchUpAsync()
    {
        var headReadAt = clock.GetUtcNow();
        head = Math.Max(head, await journal.FeedHeadAsync());
        progress.Report(head, cursor.Position, caughtUpAt);
        var started = Stopwatch.GetTimestamp();
        var before = model.EventsApplied;
        // A pending transaction may have committed since the cursor was read without moving the head: only a page read
        // after the head was taken tells.
        var recheck = cursor.Pending.Length > 0;
        while (cursor.Position < head || recheck)
        {
            recheck = false;
            var page = await journal.ReadFeedAsync(UserStreams, cursor, PageSize);
            foreach (var row in page.Events)
            {
                model.Apply(row.StreamId[UserStreams.Length..], StreamEventCodec.Decode(row.Event));
            }
            RecordDelays(page.Events);
            var stalled = page.Events.Count == 0 && page.Next.Position == cursor.Position;
            cursor = page.Next;
            progress.Report(head, cursor.Position, caughtUpAt);
            if (stalled && cursor.Position < head)
            {
                // The journals never do this for a head they gave out (transactions still running are left pending);
                // should one ever, fail the read rather than spin.
                if (Stopwatch.GetElapsedTime(started) > MaxWait)
                {
                    throw new StorageUnavailableException("The journal feed is not advancing; try again.");
                }
                await Task.Delay(5);
            }
        }
        caughtUpAt = headReadAt;
        progress.Report(head, cursor.Position, caughtUpAt);
        if (model.EventsApplied - before >= 100_000)
        {
            logger.LogInformation("Analytics folded {Events} events in {Elapsed}", model.EventsApplied - before, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// Ingest-to-dashboard delay of the events just folded. Events stored before this activation began are left out: the
    /// replay at activation folds the whole journal, which would report every old event as days late.
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

    public async Task<ParticipationStats> GetParticipationAsync(ReadWindow window, DateTimeOffset end, Dimension? by)
    {
        await CatchUpAsync();
        var stats = model.Participation(window, end, by);
        return stats.Groups is null ? stats : stats with
        {
            Groups = PrivacyFloor.Apply(stats.Groups, options.Value.PrivacyFloor, g => g.Key, g => g.Counts.Users,
                hidden => new GroupTierCounts(PrivacyFloor.OtherKey, hidden.Select(g => g.Counts).Aggregate((a, b) => a + b))),
        };
    }

    public async Task<TieStats> GetTiesAsync(ReadWindow window, DateTimeOffset end, Dimension by)
    {
        await CatchUpAsync();
        var stats = model.Ties(window, end, by);
        return stats with
        {
            Groups = PrivacyFloor.Apply(stats.Groups, options.Value.PrivacyFloor, g => g.Key, g => g.Users,
                hidden => new GroupTieCounts(PrivacyFloor.OtherKey, hidden.Sum(g => g.Users), hidden.Sum(g => g.External), hidden.Sum(g => g.Internal))),
        };
    }

    public async Task<TierMoves> GetFunnelAsync(ReadWindow window, DateTimeOffset end)
    {
        await CatchUpAsync();
        return TierMoves.From(model.Funnel(window, end));
    }

    public async Task<DayTierCounts[]> GetDailyAsync(int days, DateTimeOffset end)
    {
        await CatchUpAsync();
        return model.Daily(days, end);
    }

    public async Task<IdeaReach?> GetIdeaReachAsync(string ideaId, ReadWindow window, DateTimeOffset end)
    {
        await CatchUpAsync();
        return model.Reach(ideaId, window, end) is { } reach ? WithCriticalMass(reach) : null;
    }

    public async Task<RankedIdea[]> GetTopIdeasAsync(ReadWindow window, DateTimeOffset end, IdeaRanking ranking, int limit)
    {
        await CatchUpAsync();
        return [.. model.TopIdeas(window, end, ranking, limit).Select(idea => idea with { Reach = WithCriticalMass(idea.Reach) })];
    }

    public async Task<UserBreadth?> GetBreadthAsync(string userId, ReadWindow window, DateTimeOffset end)
    {
        await CatchUpAsync();
        return model.Breadth(userId, window, end) is { } perDimension ? UserBreadth.From(perDimension) : null;
    }

    private IdeaReach WithCriticalMass(IdeaReach reach) => reach with
    {
        CriticalMass = reach.Contributors >= options.Value.CriticalMassContributors && reach.Countries >= options.Value.CriticalMassCountries,
    };
}
