using Collaboration.Events;

namespace Collaboration.Ingestion;

/// <summary>
/// Entry point for posted interactions. It stores each event once (settling its id as new, duplicate or conflict in
/// the same commit), then delivers it to every grain it touches, and returns only when all of them have folded it.
/// </summary>
public interface IIngestGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Results in the order of <paramref name="events"/>. Throws when storage is unavailable: retry then. Throws
    /// <see cref="Errors.StorageBusyException"/>, having stored nothing, when writes are queued past the silo's limit.
    /// <paramref name="postedBy"/> is the id of the API key that posted them (null in keyless mode); it is recorded
    /// with each new event id, and is not part of the event or of the duplicate check.
    /// </summary>
    Task<IngestResult[]> IngestAsync(Interaction[] events, string? postedBy);

    /// <summary>
    /// Throws <see cref="Errors.StorageBusyException"/> when writes are queued past the silo's limit. Asked before a
    /// directory import, whose writes then count against the limit but are not refused, so an import is never cut halfway.
    /// </summary>
    Task EnsureRoomAsync();
}
