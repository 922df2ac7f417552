namespace Collaboration.Users;

/// <summary>A user's directory entry; every field is optional. Country is an upper-case ISO 3166 alpha-2 code.</summary>
[GenerateSerializer, Immutable]
public sealed record UserProfile(
    [property: Id(0)] string? DisplayName,
    [property: Id(1)] string? Country,
    [property: Id(2)] string? Site,
    [property: Id(3)] string? Department,
    [property: Id(4)] string? Function);
