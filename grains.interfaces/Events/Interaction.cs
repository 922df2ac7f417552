using System.Text.Json.Serialization;

namespace Collaboration.Events;

/// <summary>
/// One validated interaction posted by an app. It is stored in the streams of the acting user, the idea and,
/// when <see cref="ThreadId"/> is set, the thread. <see cref="OccurredAt"/> is always UTC.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Interaction(
    [property: Id(0)] string EventId,
    [property: Id(1)] InteractionType Type,
    [property: Id(2)] string UserId,
    [property: Id(3)] string IdeaId,
    [property: Id(4)] string? ThreadId,
    [property: Id(5)] DateTimeOffset OccurredAt,
    [property: Id(6)] string? Title = null,
    [property: Id(7)] string[]? Tags = null) : IStreamEvent
{
    /// <summary>An idea-level create (no thread) also makes its user a follower of the idea.</summary>
    [JsonIgnore]
    public bool CountsAsFollowMark =>
        ThreadId is null && Type is InteractionType.Create or InteractionType.Follow or InteractionType.Unfollow;

    [JsonIgnore]
    public bool MarksFollowing => Type is not InteractionType.Unfollow;
}
