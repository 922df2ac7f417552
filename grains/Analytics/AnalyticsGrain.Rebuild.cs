using System.Diagnostics;
using Collaboration.Errors;
using Collaboration.EventSourcing;
using Collaboration.Journal;
using Collaboration.Rebuild;
using Microsoft.Extensions.Logging;

namespace Collaboration.Analytics;

/// <summary>
/// Rebuild of the read model: a fresh model folds the feed from its start up to where the live one stands, the two are
/// compared on a summary of their answers, and the fresh one (with its cursor) replaces the live one. Reads and the live
/// fold go on meanwhile (the grain is reentrant, and the fresh fold yields like the live one); the swap happens in a turn
/// in which no live fold is under way, so the live model and its cursor always match.
/// </summary>
public sealed partial class AnalyticsGrain
{
    /// <summary>Catch-up rounds tried to bring both models to one feed position when writes keep moving the head.</summary>
    private const int AlignRounds = 10;

    public async Task<RebuildReport> RebuildAsync()
    {
        var started = Stopwatch.GetTimestamp();
        // The live model first takes in everything committed before the rebuild began, so the comparison covers it.
        await CaughtUpAsync();
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
                await CaughtUpAsync();
            }
        }
        while (folding is { IsCompleted: false })
        {
            await folding;
        }
        // From here to the swap nothing awaits, so no live fold can start in between.
        var end = clock.GetUtcNow();
        var changes = Summaries.Changes(
            model.Summarize(end).Prepend(("feedPosition", Summaries.Of(cursor.Position))),
            fresh.Summarize(end).Prepend(("feedPosition", Summaries.Of(freshCursor.Position))));
        // The fresh model comes with its own cursor, so the pair stays consistent even if the positions never met.
        model = fresh;
        cursor = freshCursor;
        progress.Report(head, cursor.Position, caughtUpAt);
        if (snapshotWrite is null or { IsCompleted: true })
        {
            // The rebuilt model replaces the stored snapshots too, so a later activation does not load the old state.
            StartSnapshot().Ignore();
        }
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
            for (var i = 0; i < page.Events.Count; i++)
            {
                target.Apply(page.Events[i].StreamId[UserStreams.Length..], StreamEventCodec.Decode(page.Events[i].Event));
                if ((i + 1) % SliceSize == 0)
                {
                    await Task.Yield();
                }
            }
            var stalled = page.Events.Count == 0 && page.Next.Position == from.Position;
            from = page.Next;
            if (stalled && from.Position < position)
            {
                // As in the live fold: the journals never stall below a position they gave out; should one, fail rather than spin.
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
