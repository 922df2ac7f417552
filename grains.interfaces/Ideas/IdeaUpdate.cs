using Collaboration.Reads;

namespace Collaboration.Ideas;

/// <summary>
/// What is new on an idea for one user: the activity after the user last saw it (their latest own event on the idea
/// or its threads), counted by type among the idea's activity of the 90 days up to its latest.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record IdeaUpdate(
    [property: Id(0)] string IdeaId,
    [property: Id(1)] string? Title,
    [property: Id(2)] DateTimeOffset LastActivityAt,
    [property: Id(3)] DateTimeOffset? LastSeenAt,
    [property: Id(4)] TypeCounts Counts);

/// <summary>
/// A followed idea the user has not seen for a while: when they followed it, when they last saw it
/// (their latest own event there, the follow itself if nothing since), and what they missed. <see cref="UnfollowEventId"/>
/// is the id of the unfollow a prune stores for it, derived from the follow it undoes, so a retried prune repeats it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StaleFollow(
    [property: Id(0)] string IdeaId,
    [property: Id(1)] string? Title,
    [property: Id(2)] DateTimeOffset FollowedAt,
    [property: Id(3)] DateTimeOffset? LastSeenAt,
    [property: Id(4)] DateTimeOffset LastActivityAt,
    [property: Id(5)] TypeCounts Missed,
    [property: Id(6)] string UnfollowEventId);

/// <summary>A page of updates, newest activity first; <see cref="HasMore"/> when more follow the last item.</summary>
[GenerateSerializer, Immutable]
public sealed record UpdatesPage([property: Id(0)] IdeaUpdate[] Items, [property: Id(1)] bool HasMore);

/// <summary>Where a page of updates starts: after the update with this latest activity and idea id, in the updates' order.</summary>
[GenerateSerializer, Immutable]
public sealed record UpdatesCursor([property: Id(0)] DateTimeOffset LastActivityAt, [property: Id(1)] string IdeaId);

/// <summary>
/// One idea a user follows: when the follow decision in force was made, the idea's latest event and when the user last
/// saw it (their latest own event there); the last two are null when the idea's grain could not say.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FollowedIdea(
    [property: Id(0)] string IdeaId,
    [property: Id(1)] DateTimeOffset FollowedAt,
    [property: Id(2)] DateTimeOffset? LastActivityAt,
    [property: Id(3)] DateTimeOffset? LastSeenAt);

/// <summary>A page of followed ideas in ordinal order of id; <see cref="HasMore"/> when more follow the last.</summary>
[GenerateSerializer, Immutable]
public sealed record FollowingPage([property: Id(0)] FollowedIdea[] Items, [property: Id(1)] bool HasMore);
