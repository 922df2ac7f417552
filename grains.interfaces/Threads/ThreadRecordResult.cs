namespace Collaboration.Threads;

/// <summary>Per event: stored now, already in the stream, or refused because the thread belongs to another idea.</summary>
[GenerateSerializer, Immutable]
public sealed record ThreadRecordResult([property: Id(0)] bool Stored, [property: Id(1)] string? BoundToOtherIdea);
