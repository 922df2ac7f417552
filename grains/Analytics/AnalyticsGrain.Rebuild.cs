using System.Diagnostics;
using Collaboration.Errors;
using Collaboration.EventSourcing;
using Collaboration.Journal;
using Collaboration.Rebuild;
using Microsoft.Extensions.Logging;

namespace Collaboration.Analytics;

/// <summary>
/// Rebuild of the read model: a fresh model folds the feed from its start up to where the live one stands, the two are
/// compared on a summary of their answers, and the fresh one (with its cursor) replaces the live one. The grain is not
/// reentrant and the call does not interleave, so no catch-up moves the live model meanwhile; reads wait for the rebuild.
/// </summary>
public sealed partial class AnalyticsGrain
{
    /// <summary>Catch-up rounds tried to bring both models to one feed position when writes keep moving the head.</summary>
    private const int AlignRounds = 10;

    public async Task<RebuildReport> RebuildAsync()
    {
        var started = Stopwatch.GetTimestamp();
        // The live model first takes in everything committed before the rebuild began, so the comparison covers it.
        await CatchUpAsync();
        var fresh = new AnalyticsModel();
        var freshCursor = await FoldAsync(fresh, FeedCursor.Start, cursor.Position);
        // Writes during the fold move the feed on: let whichever model is behind catch up until both stand at one cursor.
        for (var round = 0; round < AlignRounds && !SameCursor(freshCursor, cursor); round++)
        {
            if (freshCursor.Position <= cursor.Position)
            {
                freshCursor = await FoldAsync(fresh, freshCursor, cursor.Position);
            }
            else
            {
                await CatchUpAsync();
            }
        }
        var end = clock.GetUtcNow();
        var changes = Summaries.Changes(
            model.Summarize(end).Prepend(("feedPosition", Summaries.Of(cursor.Position))),
            fresh.Summarize(end).Prepend(("feedPosition", Summaries.Of(freshCursor.Position))));
        // The fresh model comes with its own cursor, so the pair stays consistent even if the positions never met.
        model = fresh;
        cursor = freshCursor;
        progress.Report(head, cursor.Position, caughtUpAt);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (changes.Length > 0)
        {
            logger.LogWarning("Read model rebuild changed its answers: {Changes}", string.Join("; ", changes.Select(c => $"{c.Name} {c.Before} -> {c.After}")));
        }
        logger.LogInformation("Read model rebuilt from {Events} events in {Elapsed}", fresh.EventsApplied, elapsed);
        return new RebuildReport("read-model", fresh.EventsApplied, elapsed.TotalMilliseconds, changes.Length > 0, changes);
    }

    /// <summary>Folds feed pages into <paramref name="target"/>: at least one, then until the cursor reaches <paramref name="position"/>.</summary>
    private async Task<FeedCursor> FoldAsync(AnalyticsModel target, FeedCursor from, long position)
    {
        var started = Stopwatch.GetTimestamp();
        do
        {
            var page = await journal.ReadFeedAsync(UserStreams, from, PageSize);
            foreach (var row in page.Events)
            {
                target.Apply(row.StreamId[UserStreams.Length..], StreamEventCodec.Decode(row.Event));
            }
            var stalled = page.Events.Count == 0 && page.Next.Position == from.Position;
            from = page.Next;
            if (stalled && from.Position < position)
            {
                // As in CatchUpAsync: the journals never stall below a position they gave out; should one, fail rather than spin.
                if (Stopwatch.GetElapsedTime(started) > MaxWait)
                {
                    throw new StorageUnavailableException("The journal feed is not advancing; try again.");
                }
                await Task.Delay(5);
            }
        }
        while (from.Position < position);
        return from;
    }

    private static bool SameCursor(FeedCursor a, FeedCursor b) => a.Position == b.Position && a.Pending.AsSpan().SequenceEqual(b.Pending);
}
