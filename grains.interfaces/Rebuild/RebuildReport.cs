namespace Collaboration.Rebuild;

/// <summary>
/// What a rebuild from the journal did: <see cref="Target"/> is the stream ("user/u-1001") or "read-model";
/// <see cref="EventsFolded"/> the events folded from the start of the stream or feed; <see cref="Changed"/> whether the
/// rebuilt state differed from the one it replaced, and <see cref="Changes"/> the summary values that differed.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RebuildReport(
    [property: Id(0)] string Target,
    [property: Id(1)] long EventsFolded,
    [property: Id(2)] double ElapsedMilliseconds,
    [property: Id(3)] bool Changed,
    [property: Id(4)] RebuildChange[] Changes)
{
    /// <summary>
    /// One report for the rebuilds of a model's replicas, run one after the other: the time of all, the most events any
    /// folded, and every change, named after its replica ("replica 1: users28d") when there are several.
    /// </summary>
    public static RebuildReport Combine(IReadOnlyList<RebuildReport> replicas) => replicas.Count == 1 ? replicas[0] : new RebuildReport(
        replicas[0].Target,
        replicas.Max(r => r.EventsFolded),
        replicas.Sum(r => r.ElapsedMilliseconds),
        replicas.Any(r => r.Changed),
        [.. replicas.SelectMany((r, replica) => r.Changes.Select(c => c with { Name = $"replica {replica}: {c.Name}" }))]);
}
