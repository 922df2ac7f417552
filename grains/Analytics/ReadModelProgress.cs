using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Collaboration.Telemetry;

namespace Collaboration.Analytics;

/// <summary>
/// Where each read model replica hosted by this silo stands against the journal, shared with the metrics thread: the
/// grain publishes an immutable snapshot after every read of the feed head and every page, and the lag gauges (meter
/// "Collaboration", tagged with the replica) and <see cref="IAnalyticsGrain.GetLagAsync"/> compute the lag from it. A
/// silo without a replica reports no measurement.
/// </summary>
public sealed class ReadModelProgress
{
    private readonly TimeProvider clock;
    private ImmutableDictionary<int, Snapshot> replicas = ImmutableDictionary<int, Snapshot>.Empty;

    public ReadModelProgress(IMeterFactory meters, TimeProvider clock)
    {
        this.clock = clock;
        var meter = meters.Create(CollaborationMetrics.MeterName);
        meter.CreateObservableGauge("collaboration.read_model.lag", () => Observe(lag => lag.Time.TotalSeconds), "s",
            "Time since the participation read model last held everything the journal had committed.");
        meter.CreateObservableGauge("collaboration.read_model.lag.positions", () => Observe(lag => lag.Positions), "{position}",
            "Journal feed head minus the position the read model has applied (events on SQLite, transaction ids on PostgreSQL).");
    }

    /// <param name="replica">The replica's grain key.</param>
    /// <param name="head">The feed head last read.</param>
    /// <param name="applied">The cursor position the model has applied up to.</param>
    /// <param name="caughtUpAt">When the head was read that the model has since reached (or its activation).</param>
    public void Report(int replica, long head, long applied, DateTimeOffset caughtUpAt) =>
        ImmutableInterlocked.Update(ref replicas, (all, snapshot) => all.SetItem(replica, snapshot), new Snapshot(head, applied, caughtUpAt));

    /// <summary>The replica's activation is gone from this silo.</summary>
    public void Clear(int replica) => ImmutableInterlocked.Update(ref replicas, all => all.Remove(replica));

    /// <summary>The replicas this silo hosts.</summary>
    public IEnumerable<int> Hosted => Volatile.Read(ref replicas).Keys;

    public ReadModelLag? Lag(int replica) => Volatile.Read(ref replicas).TryGetValue(replica, out var s) ? LagOf(s) : null;

    private ReadModelLag LagOf(Snapshot s) => new(Math.Max(0, s.Head - s.Applied), clock.GetUtcNow() - s.CaughtUpAt);

    private IEnumerable<Measurement<T>> Observe<T>(Func<ReadModelLag, T> value) where T : struct =>
        Volatile.Read(ref replicas).Select(r => new Measurement<T>(value(LagOf(r.Value)), new KeyValuePair<string, object?>("replica", r.Key)));

    private sealed record Snapshot(long Head, long Applied, DateTimeOffset CaughtUpAt);
}
