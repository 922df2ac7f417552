using System.Diagnostics;
using Collaboration.Errors;
using Collaboration.EventSourcing;
using Collaboration.Journal;
using Collaboration.Reads;
using Microsoft.Extensions.Logging;

namespace Collaboration.Analytics;

/// <summary>
/// Hosts the <see cref="AnalyticsModel"/>: on activation it replays the user streams of the journal, then follows the
/// journal's feed. Ingestion never calls it, so it cannot slow ingestion down beyond the CPU its fold takes. Every
/// user stream holds each event once, and the feed yields each row once in commit order, so a redelivered event is
/// never counted twice and the model is always the fold of what the journal holds.
/// </summary>
public sealed class AnalyticsGrain(IEventJournal journal, ILogger<AnalyticsGrain> logger) : Grain, IAnalyticsGrain
{
    private const string UserStreams = "user/";
    private const int PageSize = 5_000;

    /// <summary>How long a read waits for transactions that committed before it but are not yet readable in order.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    private readonly AnalyticsModel model = new();
    private long position;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Following the feed in the background keeps a read's catch-up short, and keeps the activation alive.
        this.RegisterGrainTimer(_ => CatchUpAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromSeconds(1))
        {
            KeepAlive = true,
        });
        return Task.CompletedTask;
    }

    public async Task CatchUpAsync()
    {
        var head = await journal.FeedHeadAsync();
        var started = Stopwatch.GetTimestamp();
        var before = model.EventsApplied;
        while (position < head)
        {
            var page = await journal.ReadFeedAsync(UserStreams, position, PageSize);
            foreach (var row in page.Events)
            {
                model.Apply(row.StreamId[UserStreams.Length..], StreamEventCodec.Decode(row.Event));
            }
            if (page.Next == position)
            {
                // A transaction that began before the read is still open; its rows must be read before later ones.
                if (Stopwatch.GetElapsedTime(started) > MaxWait)
                {
                    throw new StorageUnavailableException("The journal feed is held back by an open transaction; try again.");
                }
                await Task.Delay(5);
            }
            position = page.Next;
        }
        if (model.EventsApplied - before >= 100_000)
        {
            logger.LogInformation("Analytics folded {Events} events in {Elapsed}", model.EventsApplied - before, Stopwatch.GetElapsedTime(started));
        }
    }

    public async Task<ParticipationStats> GetParticipationAsync(ReadWindow window, DateTimeOffset end, Dimension? by)
    {
        await CatchUpAsync();
        return model.Participation(window, end, by);
    }

    public async Task<TieStats> GetTiesAsync(ReadWindow window, DateTimeOffset end, Dimension by)
    {
        await CatchUpAsync();
        return model.Ties(window, end, by);
    }

    public async Task<FunnelStats> GetFunnelAsync(ReadWindow window, DateTimeOffset end)
    {
        await CatchUpAsync();
        return model.Funnel(window, end);
    }

    public async Task<DayTierCounts[]> GetDailyAsync(int days, DateTimeOffset end)
    {
        await CatchUpAsync();
        return model.Daily(days, end);
    }

    public async Task<IdeaReach?> GetIdeaReachAsync(string ideaId, ReadWindow window, DateTimeOffset end)
    {
        await CatchUpAsync();
        return model.Reach(ideaId, window, end);
    }

    public async Task<RankedIdea[]> GetTopIdeasAsync(ReadWindow window, DateTimeOffset end, IdeaRanking ranking, int limit)
    {
        await CatchUpAsync();
        return model.TopIdeas(window, end, ranking, limit);
    }

    public async Task<int[]?> GetBreadthAsync(string userId, ReadWindow window, DateTimeOffset end)
    {
        await CatchUpAsync();
        return model.Breadth(userId, window, end);
    }
}
