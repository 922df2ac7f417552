namespace Collaboration.Users;

/// <summary>
/// A user's directory entry; every field is optional. Country is an upper-case ISO 3166 alpha-2 code.
/// <see cref="Suggestions"/> false opts the user out of being suggested to others (issue 15's matchmaking).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UserProfile(
    [property: Id(0)] string? DisplayName,
    [property: Id(1)] string? Country,
    [property: Id(2)] string? Site,
    [property: Id(3)] string? Department,
    [property: Id(4)] string? Function,
    [property: Id(5)] bool Suggestions = true);
