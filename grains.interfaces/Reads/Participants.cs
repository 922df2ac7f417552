namespace Collaboration.Reads;

/// <summary>Distinct users by their highest action (creator &gt; editor &gt; audience).</summary>
[GenerateSerializer, Immutable]
public sealed record Participants(
    [property: Id(0)] int Creators,
    [property: Id(1)] int Editors,
    [property: Id(2)] int Audience);
