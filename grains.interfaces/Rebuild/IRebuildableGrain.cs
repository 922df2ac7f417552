namespace Collaboration.Rebuild;

/// <summary>An event-sourced grain whose state can be folded again from all of its stored events.</summary>
public interface IRebuildableGrain : IGrain
{
    /// <summary>
    /// Folds every stored event of the grain (ignoring the snapshot), replaces the state with the result, stores a new
    /// snapshot and says what differed from the state the grain would have answered with (its own state brought up to the
    /// same read). Events committed while it reads are folded on top of the result.
    /// A grain with no event folds nothing (<see cref="RebuildReport.EventsFolded"/> is 0).
    /// </summary>
    Task<RebuildReport> RebuildAsync();

    /// <summary>
    /// The same fold from the start and a new snapshot, after an erasure rewrote some of the grain's events, with nothing
    /// compared, reported or logged (the differences would name the person).
    /// </summary>
    Task RefoldAsync();
}
