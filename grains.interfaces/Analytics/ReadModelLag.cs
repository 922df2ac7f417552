namespace Collaboration.Analytics;

/// <summary>
/// How far the participation read model is behind the journal. <see cref="Time"/> is the time since the model last
/// held everything the journal had committed (since its activation while the first replay runs). <see cref="Positions"/>
/// is the journal's feed head minus the position the model has applied: events of all streams for SQLite, transaction
/// ids for PostgreSQL (one per append batch, including transactions that wrote no event), so an upper bound.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ReadModelLag([property: Id(0)] long Positions, [property: Id(1)] TimeSpan Time);
