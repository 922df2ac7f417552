using Collaboration.Events;

namespace Collaboration.Users;

/// <summary>The directory entry of a user changed (a PUT or an import row that differed from the current one).</summary>
[GenerateSerializer, Immutable]
public sealed record ProfileUpdated(
    [property: Id(0)] string EventId,
    [property: Id(1)] UserProfile Profile,
    [property: Id(2)] DateTimeOffset UpdatedAt) : IStreamEvent;
