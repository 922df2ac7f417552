using System.Diagnostics;
using Collaboration.Journal;
using Microsoft.Extensions.Logging;

namespace Collaboration.Analytics;

/// <summary>
/// Loads and stores snapshots of the <see cref="AnalyticsModel"/> (stored form: <see cref="ReadModelSnapshotFormat"/>).
/// <see cref="WriteFromJournalAsync"/> makes a new one without touching the live model: it loads the newest stored
/// snapshot (or starts empty), folds the feed from there to a position the live model has passed, and stores that.
/// The body is deterministic, so the result is byte for byte what the live model would have written at that cursor.
/// The price of never pausing the live model: a second model in memory while it runs, and the events since the last
/// snapshot folded twice.
/// </summary>
internal sealed class ReadModelSnapshots(IEventStore events, IReadModelSnapshotStore store, ILogger logger)
{
    /// <summary>The model's name in the snapshot store.</summary>
    public const string Name = "participation";

    public sealed record Loaded(AnalyticsModel Model, FeedCursor Cursor);

    /// <param name="Source">For a snapshot made from the journal: what it started from and what it folded on top.</param>
    public sealed record Written(long Position, long Events, long BodyBytes, long StoredBytes, TimeSpan Elapsed, string Source = "the live model");

    /// <summary>
    /// The newest snapshot that reads back whole, or null; logs and skips any that does not. Loads for an activation are
    /// logged as such; the background writer's own loads only at debug level (its write's log line says what it took).
    /// </summary>
    public async Task<Loaded?> LoadNewestAsync(CancellationToken ct = default) => await LoadNewestAsync(LogLevel.Information, ct);

    private async Task<Loaded?> LoadNewestAsync(LogLevel level, CancellationToken ct)
    {
        var positions = await store.ListAsync(Name, ct);
        foreach (var position in positions)
        {
            var started = Stopwatch.GetTimestamp();
            var parts = await store.ReadAsync(Name, position, ct);
            try
            {
                // Inflating and reading hundreds of MB would hold a grain's thread: do it on the thread pool.
                var (model, decoded) = await Task.Run(() =>
                {
                    var decoded = ReadModelSnapshotFormat.Decode(parts);
                    using var body = decoded.Body;
                    var model = AnalyticsModel.ReadFrom(body);
                    return model.EventsApplied == decoded.EventsApplied
                        ? (model, decoded)
                        : throw new InvalidDataException($"The body holds {model.EventsApplied} events; the header says {decoded.EventsApplied}.");
                }, ct);
                logger.Log(level,
                    "Read model loaded its snapshot at feed position {Position} ({Events} events, {BodyBytes} bytes) in {Elapsed}",
                    position, decoded.EventsApplied, decoded.BodyLength, Stopwatch.GetElapsedTime(started));
                return new Loaded(model, decoded.Cursor);
            }
            catch (InvalidDataException ex)
            {
                logger.LogWarning("Read model snapshot at feed position {Position} is damaged or incompatible and is ignored: {Reason}", position, ex.Message);
            }
        }
        return null;
    }

    /// <summary>
    /// Writes <paramref name="model"/> as the snapshot at <paramref name="at"/> (which must be the cursor it has folded
    /// to), keeps the newest snapshot below it and deletes the older ones, or every older one when the model applied an
    /// erasure since it was made or loaded (an older one may hold the person). The caller keeps the model unchanged until
    /// this completes. A model that needs a rebuild (<see cref="AnalyticsModel.NeedsRebuild"/>) is not stored.
    /// </summary>
    public async Task<Written> StoreAsync(AnalyticsModel model, FeedCursor at, CancellationToken ct = default)
    {
        EnsureStorable(model);
        var started = Stopwatch.GetTimestamp();
        var encoded = ReadModelSnapshotFormat.Encode(at, model.EventsApplied, model.WriteTo);
        for (var part = 0; part < encoded.Parts.Count; part++)
        {
            await store.WritePartAsync(Name, at.Position, part + 1, encoded.Parts[part], ct);
        }
        await store.WritePartAsync(Name, at.Position, 0, encoded.Header, ct);
        // The one before stays, so that a damaged newest snapshot still leaves one to load.
        var previous = model.ErasuresApplied > 0 ? at.Position : (await store.ListAsync(Name, ct)).FirstOrDefault(position => position < at.Position, at.Position);
        await store.DeleteBelowAsync(Name, previous, ct);
        return new Written(at.Position, model.EventsApplied, encoded.BodyLength, encoded.StoredBytes, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Throws for a model that must not be stored: one holding an erased person under two names until it is rebuilt.</summary>
    internal static void EnsureStorable(AnalyticsModel model)
    {
        if (model.NeedsRebuild)
        {
            throw new InvalidOperationException("The read model holds an erased person under two names until it is rebuilt; it is not stored.");
        }
    }

    /// <summary>
    /// A new snapshot at or after <paramref name="position"/>, made from the newest stored one and the journal; null when
    /// the newest stored one already covers it. Runs wherever it is started: start it on the thread pool.
    /// </summary>
    /// <param name="horizonDay">The live model's horizon (<see cref="AnalyticsModel.Forget"/>), kept by this fold too.</param>
    public async Task<Written?> WriteFromJournalAsync(long position, int horizonDay = int.MinValue, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var (model, from) = await LoadNewestAsync(LogLevel.Debug, ct) is { } newest ? (newest.Model, newest.Cursor) : (new AnalyticsModel(), FeedCursor.Start);
        model.Forget(horizonDay);
        if (from.Position >= position && from.Pending.Length == 0)
        {
            return null;
        }
        var loaded = Stopwatch.GetElapsedTime(started);
        var eventsLoaded = model.EventsApplied;
        var at = await ModelFeed.FoldAsync(events, model, from, position, onGrain: false, ct);
        var folded = Stopwatch.GetElapsedTime(started) - loaded;
        var written = await StoreAsync(model, at, ct);
        // Where a slow snapshot's time went: under load the reload and the fold of the events since grow with the model.
        return written with
        {
            Elapsed = Stopwatch.GetElapsedTime(started),
            Source = $"snapshot at {from.Position} ({eventsLoaded} events) loaded in {loaded.TotalSeconds:F1} s, "
                + $"{model.EventsApplied - eventsLoaded} events folded in {folded.TotalSeconds:F1} s, stored in {written.Elapsed.TotalSeconds:F1} s",
        };
    }
}
