namespace Collaboration.Rebuild;

/// <summary>One summary value of a state that a rebuild changed, e.g. ("totals.comment", "3", "4").</summary>
[GenerateSerializer, Immutable]
public sealed record RebuildChange([property: Id(0)] string Name, [property: Id(1)] string Before, [property: Id(2)] string After);
