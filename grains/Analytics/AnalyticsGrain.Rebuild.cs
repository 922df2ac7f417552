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

    /// <summary>How often retention may make the model fold the journal again (<see cref="ForgetExpiredAsync"/>).</summary>
    private static readonly TimeSpan RetentionRefoldEvery = TimeSpan.FromDays(1);

    private DateTimeOffset? refoldedForRetention;
    private bool retentionRefoldDue;

    public Task ForgetExpiredAsync()
    {
        retentionRefoldDue = true;
        return RefoldForRetentionIfDueAsync();
    }

    /// <summary>A fold for retention when one is asked for and a day has passed since the last; the timer calls it too.</summary>
    private async Task RefoldForRetentionIfDueAsync()
    {
        var now = clock.GetUtcNow();
        if (!retentionRefoldDue || rebuilding || (refoldedForRetention is { } last && now - last < RetentionRefoldEvery))
        {
            return;
        }
        (retentionRefoldDue, refoldedForRetention, rebuilding) = (false, now, true);
        try
        {
            // Its changes are the expected all-time ones (and would name nobody, but they are not news): logged as information.
            await RebuildLiveModelAsync(Stopwatch.GetTimestamp(), expected: "retention deleted events");
        }
        finally
        {
            rebuilding = false;
        }
    }

    public async Task<RebuildReport> RebuildAsync()
    {
        var started = Stopwatch.GetTimestamp();
        rebuilding = true;
        try
        {
            return await RebuildLiveModelAsync(started);
        }
        finally
        {
            rebuilding = false;
        }
    }

    /// <param name="expected">Why its changes are expected (logged as information then), or null for a rebuild that should change nothing.</param>
    private async Task<RebuildReport> RebuildLiveModelAsync(long started, string? expected = null)
    {
        // The live model first takes in everything committed before the rebuild began, so the comparison covers it.
        await CaughtUpAsync();
        var fresh = new AnalyticsModel();
        fresh.Forget(model.HorizonDay);
        var freshCursor = await ModelFeed.FoldAsync(store, fresh, FeedCursor.Start, cursor.Position);
        // Writes during the fold move the feed on: let whichever model is behind catch up until both stand at one cursor.
        for (var round = 0; round < AlignRounds && !SameCursor(freshCursor, cursor); round++)
        {
            if (freshCursor.Position <= cursor.Position)
            {
                freshCursor = await ModelFeed.FoldAsync(store, fresh, freshCursor, cursor.Position);
            }
            else
            {
                await CaughtUpAsync();
            }
        }
        // A snapshot from before the rebuild must not be stored after the rebuilt one.
        while (folding is { IsCompleted: false } || snapshotWrite is { IsCompleted: false })
        {
            await (folding is { IsCompleted: false } ? folding : snapshotWrite!);
        }
        // From here to the swap nothing awaits, so no live fold can start in between.
        var end = clock.GetUtcNow();
        var changes = Summaries.Changes(
            model.Summarize(end).Prepend(("feedPosition", Summaries.Of(cursor.Position))),
            fresh.Summarize(end).Prepend(("feedPosition", Summaries.Of(freshCursor.Position))));
        // The fresh model comes with its own cursor, so the pair stays consistent even if the positions never met.
        model = fresh;
        cursor = freshCursor;
        ReportProgress();
        // The rebuilt model replaces the stored snapshots too, so a later activation does not load the old state.
        if (WritesSnapshots)
        {
            StoreLiveModel().Ignore();
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (changes.Length > 0 && expected is null)
        {
            logger.LogWarning("Read model rebuild changed its answers: {Changes}", string.Join("; ", changes.Select(c => $"{c.Name} {c.Before} -> {c.After}")));
        }
        logger.LogInformation("Read model rebuilt from {Events} events in {Elapsed} ({Reason}, {Changes} answers changed)", fresh.EventsApplied, elapsed,
            expected ?? "asked for", changes.Length);
        return new RebuildReport("read-model", fresh.EventsApplied, elapsed.TotalMilliseconds, changes.Length > 0, changes);
    }

    private static bool SameCursor(FeedCursor a, FeedCursor b) => a.Position == b.Position && a.Pending.AsSpan().SequenceEqual(b.Pending);
}
