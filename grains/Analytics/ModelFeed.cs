using System.Diagnostics;
using Collaboration.Errors;
using Collaboration.EventSourcing;
using Collaboration.Journal;

namespace Collaboration.Analytics;

/// <summary>How an <see cref="AnalyticsModel"/> reads the event store: the feed, page by page.</summary>
internal static class ModelFeed
{
    public const int PageSize = 5_000;

    /// <summary>Events applied in one turn; on the grain, reads waiting for the fold run between slices.</summary>
    public const int SliceSize = 256;

    /// <summary>How long a fold waits for a feed that makes no progress before it gives up.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    /// <summary>Applies one page; on a grain's thread in slices, yielding between them so that reads interleave.</summary>
    public static async Task ApplyAsync(IEventStore store, AnalyticsModel target, IReadOnlyList<RecordedEvent> events, bool onGrain = true)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var decoded = StoredEventFormat.Decode(events[i].Event);
            if (decoded is Users.UserErased && target.Names is null)
            {
                target.Names = await store.GetPseudonymsAsync();
            }
            target.Apply(events[i].UserId, decoded);
            // On the thread pool a yield would only queue the rest behind everything else there.
            if (onGrain && (i + 1) % SliceSize == 0 && i + 1 < events.Count)
            {
                await Task.Yield();
            }
        }
    }

    /// <summary>Folds feed pages into <paramref name="target"/>: at least one, then until the cursor reaches <paramref name="position"/>.</summary>
    public static async Task<FeedCursor> FoldAsync(
        IEventStore store, AnalyticsModel target, FeedCursor from, long position, bool onGrain = true, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        do
        {
            ct.ThrowIfCancellationRequested();
            var page = await store.ReadFeedAsync(from, PageSize, ct);
            await ApplyAsync(store, target, page.Events, onGrain);
            var stalled = page.Events.Count == 0 && page.Next.Position == from.Position;
            from = page.Next;
            if (stalled && from.Position < position)
            {
                // As in the live fold: the stores never stall below a position they gave out; should one, fail rather than spin.
                if (Stopwatch.GetElapsedTime(started) > MaxWait)
                {
                    throw new StorageUnavailableException("The event feed is not advancing; try again.");
                }
                await Task.Delay(5, ct);
            }
        }
        while (from.Position < position);
        return from;
    }
}
