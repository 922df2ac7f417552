using Orleans.Concurrency;

namespace Collaboration.Rebuild;

/// <summary>An event-sourced grain whose state can be folded again from its whole stream in the journal.</summary>
public interface IRebuildableGrain : IGrain
{
    /// <summary>
    /// Folds the whole stream from version 0 (ignoring the snapshot), replaces the state with the result, stores a new
    /// snapshot and says what differed. Appends queued before it are stored first, those queued after it wait for it.
    /// A stream with no event folds nothing (<see cref="RebuildReport.EventsFolded"/> is 0).
    /// </summary>
    /// <remarks>Interleaves with reads, which answer from the current state until the rebuilt one replaces it.</remarks>
    [AlwaysInterleave]
    Task<RebuildReport> RebuildAsync();
}
