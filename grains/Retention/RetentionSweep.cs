using Collaboration.Analytics;
using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Folds;
using Collaboration.Journal;
using Collaboration.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collaboration.Retention;

/// <summary>
/// Deletes the stored events older than <see cref="JournalOptions.RetentionDays"/> (by when they were stored), walking the
/// store from its oldest rows in small chunks, so ingestion goes on beside it (on SQLite each chunk is one small write
/// among the group commits). Older rows that define current state are kept, since deleting them would change the
/// present rather than forget the past:
/// <list type="bullet">
/// <item>creates: an idea's or thread's existence, owner or author, title and tags;</item>
/// <item>the latest follow decision of each user on each idea (a create without a thread counts as one): who follows what;</item>
/// <item>the latest profile change of each user: the directory entry;</item>
/// <item>erasure records.</item>
/// </list>
/// </summary>
/// <remarks>
/// After a sweep that deleted events, each replica of the read model folds the journal again (at most once a day,
/// <see cref="IAnalyticsGrain.ForgetExpiredAsync"/>); grain snapshots of the keys that lost rows go with the rows.
/// </remarks>
public sealed class RetentionSweep(
    IEventStore store, TimeProvider clock, IOptions<JournalOptions> options, ILogger<RetentionSweep> logger,
    IGrainFactory? grains = null, IOptions<AnalyticsOptions>? analytics = null)
{
    private const int Chunk = 500;

    public async Task<RetentionReport> RunAsync(CancellationToken ct = default)
    {
        var days = options.Value.RetentionDays;
        if (days == 0)
        {
            return new RetentionReport(false, null, 0, 0, 0);
        }
        var started = clock.GetTimestamp();
        var horizon = clock.GetUtcNow().AddDays(-days);
        long after = 0, deleted = 0, kept = 0;
        while (true)
        {
            var rows = await store.ReadByPositionAsync(after, Chunk, ct);
            var old = rows.TakeWhile(row => row.StoredAt < horizon).ToList();
            if (old.Count == 0)
            {
                break;
            }
            var expired = await ExpiredAsync(old, ct);
            deleted += await store.DeleteAsync([.. expired.Select(e => e.Position)], [.. expired.SelectMany(FoldedBy).Distinct()], ct);
            kept += old.Count - expired.Count;
            after = old[^1].Position;
            if (old.Count < rows.Count || rows.Count < Chunk)
            {
                break;
            }
        }
        if (deleted > 0 && grains is not null && analytics?.Value is { Enabled: true } model)
        {
            await Task.WhenAll(Enumerable.Range(0, model.ReplicaCount).Select(replica => grains.GetGrain<IAnalyticsGrain>(replica).ForgetExpiredAsync()));
        }
        var elapsed = clock.GetElapsedTime(started);
        if (deleted > 0)
        {
            logger.LogInformation("Retention deleted {Deleted} events stored before {Horizon} and kept {Kept} that define current state, in {Elapsed}",
                deleted, horizon, kept, elapsed);
        }
        return new RetentionReport(true, horizon, deleted, kept, elapsed.TotalMilliseconds);
    }

    /// <summary>The keys whose grains fold an event: their snapshots go with it.</summary>
    private static IEnumerable<EventKey> FoldedBy((long Position, string UserId, IStreamEvent Event) row)
    {
        yield return EventKey.User(row.UserId);
        if (row.Event is Interaction interaction)
        {
            yield return EventKey.Idea(interaction.IdeaId);
            if (interaction.ThreadId is { } thread)
            {
                yield return EventKey.Thread(thread);
            }
        }
    }

    /// <summary>The events among <paramref name="old"/> that hold no current state.</summary>
    private async Task<List<(long Position, string UserId, IStreamEvent Event)>> ExpiredAsync(List<RecordedEvent> old, CancellationToken ct)
    {
        var decoded = old.Select(row => (Row: row, Event: StoredEventFormat.Decode(row.Event))).ToList();
        // The user's whole stream says which follow decision and which profile is the latest; read once per user.
        var latest = new Dictionary<string, Latest>(StringComparer.Ordinal);
        foreach (var user in decoded.Where(d => d.Event is ProfileUpdated or Interaction { CountsAsFollowMark: true }).Select(d => d.Row.UserId).Distinct())
        {
            latest[user] = Latest.Of((await store.ReadAsync(EventKey.User(user), FeedCursor.Start, ct)).Events);
        }
        bool DefinesState((RecordedEvent Row, IStreamEvent Event) d) => d.Event switch
        {
            Interaction { Type: InteractionType.Create } => true,
            Interaction { CountsAsFollowMark: true } mark => latest[d.Row.UserId].Follows.GetValueOrDefault(mark.IdeaId) == d.Row.Position,
            ProfileUpdated => latest[d.Row.UserId].Profile == d.Row.Position,
            UserErased => true,
            _ => false,
        };
        return [.. decoded.Where(d => !DefinesState(d)).Select(d => (d.Row.Position, d.Row.UserId, d.Event))];
    }

    /// <summary>The positions of a user's latest follow decision per idea and of their latest profile change.</summary>
    private sealed record Latest(Dictionary<string, long> Follows, long? Profile)
    {
        public static Latest Of(IReadOnlyList<RecordedEvent> stream)
        {
            var marks = new Dictionary<string, (FollowMark Mark, long Position)>(StringComparer.Ordinal);
            long? profile = null;
            foreach (var row in stream)
            {
                switch (StoredEventFormat.Decode(row.Event))
                {
                    case Interaction { CountsAsFollowMark: true } e:
                        var mark = new FollowMark(e.OccurredAt.UtcTicks, e.EventId, e.MarksFollowing);
                        if (!marks.TryGetValue(e.IdeaId, out var current) || mark.IsLaterThan(current.Mark))
                        {
                            marks[e.IdeaId] = (mark, row.Position);
                        }
                        break;
                    case ProfileUpdated:
                        // The user's state takes the last one in the stream's order, which is this read's.
                        profile = row.Position;
                        break;
                }
            }
            return new Latest(marks.ToDictionary(pair => pair.Key, pair => pair.Value.Position, StringComparer.Ordinal), profile);
        }
    }
}
