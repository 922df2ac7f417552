namespace Collaboration.Reads;

/// <summary>A page of ids in ordinal order; <see cref="HasMore"/> says whether ids follow the last one.</summary>
[GenerateSerializer, Immutable]
public sealed record IdPage([property: Id(0)] string[] Items, [property: Id(1)] bool HasMore);
