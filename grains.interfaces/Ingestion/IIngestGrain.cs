using Collaboration.Events;

namespace Collaboration.Ingestion;

/// <summary>
/// Entry point for posted interactions. It settles each event id first (new, duplicate or conflict), then has
/// every touched grain store the event, and returns only when all of them have.
/// </summary>
public interface IIngestGrain : IGrainWithIntegerKey
{
    /// <summary>Results in the order of <paramref name="events"/>. Throws when storage is unavailable: retry then.</summary>
    Task<IngestResult[]> IngestAsync(Interaction[] events);
}
