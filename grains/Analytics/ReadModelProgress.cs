using System.Diagnostics.Metrics;
using Collaboration.Telemetry;

namespace Collaboration.Analytics;

/// <summary>
/// Where the analytics activation of this silo stands against the journal, shared with the metrics thread: the grain
/// publishes an immutable snapshot after every read of the feed head and every page, and the lag gauges (meter
/// "Collaboration") and <see cref="IAnalyticsGrain.GetLagAsync"/> compute the lag from it. A silo without the
/// activation reports no measurement.
/// </summary>
public sealed class ReadModelProgress
{
    private readonly TimeProvider clock;
    private Snapshot? current;

    public ReadModelProgress(IMeterFactory meters, TimeProvider clock)
    {
        this.clock = clock;
        var meter = meters.Create(CollaborationMetrics.MeterName);
        meter.CreateObservableGauge("collaboration.read_model.lag", () => Observe(lag => lag.Time.TotalSeconds), "s",
            "Time since the participation read model last held everything the journal had committed.");
        meter.CreateObservableGauge("collaboration.read_model.lag.positions", () => Observe(lag => lag.Positions), "{position}",
            "Journal feed head minus the position the read model has applied (events on SQLite, transaction ids on PostgreSQL).");
    }

    /// <param name="head">The feed head last read.</param>
    /// <param name="applied">The cursor position the model has applied up to.</param>
    /// <param name="caughtUpAt">When the head was read that the model has since reached (or its activation).</param>
    public void Report(long head, long applied, DateTimeOffset caughtUpAt) =>
        Volatile.Write(ref current, new Snapshot(head, applied, caughtUpAt));

    /// <summary>The activation is gone from this silo.</summary>
    public void Clear() => Volatile.Write(ref current, null);

    public ReadModelLag? Lag() => Volatile.Read(ref current) is { } s
        ? new ReadModelLag(Math.Max(0, s.Head - s.Applied), clock.GetUtcNow() - s.CaughtUpAt)
        : null;

    private IEnumerable<Measurement<T>> Observe<T>(Func<ReadModelLag, T> value) where T : struct =>
        Lag() is { } lag ? [new Measurement<T>(value(lag))] : [];

    private sealed record Snapshot(long Head, long Applied, DateTimeOffset CaughtUpAt);
}
