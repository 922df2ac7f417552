using System.Diagnostics.Metrics;
using Collaboration.Events;
using Collaboration.Journal;

namespace Collaboration.Telemetry;

/// <summary>
/// The service's own instruments, on the meter "Collaboration" made by the host's <see cref="IMeterFactory"/>, so
/// every host (and every test host) counts for itself. Attributes are small fixed sets (type, outcome, store), never a
/// user, idea, thread or event id. README "Metrics and alerts" lists them.
/// </summary>
public sealed class CollaborationMetrics
{
    public const string MeterName = "Collaboration";

    private readonly Counter<long> events;
    private readonly Histogram<double> commitDuration;
    private readonly Histogram<long> commitSize;
    private readonly Counter<long> snapshotWrites;
    private readonly Counter<long> quotaRejections;
    private readonly Histogram<double> readModelDelay;

    public CollaborationMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        events = meter.CreateCounter<long>("collaboration.events", "{event}",
            "Events posted to the api, by type and outcome (accepted, duplicate, conflict, rejected).");
        commitDuration = meter.CreateHistogram<double>("collaboration.journal.commit.duration", "s",
            "Time to write and make durable one group commit of the journal.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        commitSize = meter.CreateHistogram<long>("collaboration.journal.commit.size", "{write}",
            "Writes (calls storing events, snapshots) made durable by one group commit.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048] });
        snapshotWrites = meter.CreateCounter<long>("collaboration.snapshot.writes", "{snapshot}",
            "Grain snapshots written to the store, by outcome (saved, failed).");
        quotaRejections = meter.CreateCounter<long>("collaboration.quota.rejections", "{request}",
            "Requests refused with 429 because their key was over its budget of events per second.");
        readModelDelay = meter.CreateHistogram<double>("collaboration.read_model.delay", "s",
            "Time from an event's storage in the journal to its fold into the participation read model (what /v1/stats answers).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });
    }

    /// <summary><paramref name="type"/> is null for an event refused before its type was known.</summary>
    public void EventPosted(InteractionType? type, EventOutcome outcome, long count = 1) =>
        events.Add(count, new("type", type is { } known ? known.ToWireName() : "unknown"), new("outcome", outcome.Label()));

    public void CommitWritten(string store, TimeSpan duration, int writes)
    {
        var tag = new KeyValuePair<string, object?>("store", store);
        commitDuration.Record(duration.TotalSeconds, tag);
        commitSize.Record(writes, tag);
    }

    public void SnapshotWritten(bool saved) =>
        snapshotWrites.Add(1, new KeyValuePair<string, object?>("outcome", saved ? "saved" : "failed"));

    public void QuotaRejected() => quotaRejections.Add(1);

    /// <summary>Clocks of the store and the silo may differ a little: a negative delay counts as none.</summary>
    public void EventFolded(TimeSpan delay) => readModelDelay.Record(Math.Max(0, delay.TotalSeconds));
}
