namespace Collaboration.Ingestion;

/// <summary>The outcome of one event; for a conflict, <see cref="Field"/> names the field at fault.</summary>
[GenerateSerializer, Immutable]
public sealed record IngestResult(
    [property: Id(0)] IngestStatus Status,
    [property: Id(1)] string? Field = null,
    [property: Id(2)] string? Error = null)
{
    public static readonly IngestResult Accepted = new(IngestStatus.Accepted);
    public static readonly IngestResult Duplicate = new(IngestStatus.Duplicate);
}
