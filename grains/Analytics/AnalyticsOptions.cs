namespace Collaboration.Analytics;

/// <summary>The "Analytics" configuration section.</summary>
public sealed class AnalyticsOptions
{
    /// <summary>False turns the participation read model off: no stats endpoints, no reach or breadth.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Groups with fewer users are folded into "(other)", which is itself shown only when it reaches this size.</summary>
    public int PrivacyFloor { get; set; } = 5;

    public int CriticalMassContributors { get; set; } = 10;

    public int CriticalMassCountries { get; set; } = 2;

    /// <summary>
    /// Copies of the read model, each following the journal on its own silo (see <see cref="ReadModelReplicaPlacement"/>):
    /// reads go to one and are hedged to the next when it does not answer, so losing a silo costs dashboards no reload.
    /// Unset: 2 in Cluster mode, 1 embedded (one process, nothing to fail over to).
    /// </summary>
    public int? Replicas { get; set; }

    /// <summary><see cref="Replicas"/> once the deployment mode has filled it in.</summary>
    public int ReplicaCount => Replicas ?? 1;

    /// <summary>
    /// Days of activity the model keeps in memory; 0 keeps all. Windowed answers may end up to
    /// <c>HorizonDays - 181</c> days ago (their window and the funnel's previous one must fit), a daily series may
    /// reach back <c>HorizonDays</c> days. At least 181; see <see cref="ReadHorizon"/>.
    /// </summary>
    public int HorizonDays { get; set; } = DefaultHorizonDays;

    /// <summary>Answers may end up to 30 days ago.</summary>
    public const int DefaultHorizonDays = ReadHorizon.AnswerDays + 30;

    /// <summary>A snapshot of the model is written once it has folded this many events since the last one...</summary>
    public int SnapshotEveryEvents { get; set; } = 100_000;

    /// <summary>...and at least this long after the last one began.</summary>
    public TimeSpan SnapshotMinInterval { get; set; } = TimeSpan.FromSeconds(15);
}
