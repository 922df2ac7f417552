using System.Text.Json.Serialization;

namespace Collaboration.EventSourcing;

// The stored records of StoredEventFormat. Every JSON name is written out, so no naming policy, domain record or
// API contract decides it; a null is left out, as version 1 rows have it. Never change a record that has been written:
// add the next version beside it.

/// <summary>Version 1 of a stored interaction (type <c>interaction</c>).</summary>
internal sealed record InteractionV1(
    [property: JsonPropertyName("eventId")] string EventId,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("userId")] string UserId,
    [property: JsonPropertyName("ideaId")] string IdeaId,
    [property: JsonPropertyName("threadId")] string? ThreadId,
    [property: JsonPropertyName("occurredAt")] DateTimeOffset OccurredAt,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("tags")] string[]? Tags);

/// <summary>Version 1 of a stored profile change (type <c>profile-updated</c>).</summary>
internal sealed record ProfileUpdatedV1(
    [property: JsonPropertyName("eventId")] string EventId,
    [property: JsonPropertyName("profile")] ProfileV1 Profile,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt);

/// <summary>The profile inside <see cref="ProfileUpdatedV1"/>.</summary>
internal sealed record ProfileV1(
    [property: JsonPropertyName("displayName")] string? DisplayName,
    [property: JsonPropertyName("country")] string? Country,
    [property: JsonPropertyName("site")] string? Site,
    [property: JsonPropertyName("department")] string? Department,
    [property: JsonPropertyName("function")] string? Function);

/// <summary>
/// Version 2 of a stored profile change (type <c>profile-updated-2</c>): version 1 and the matchmaking opt-out. A version
/// 1 row reads as a profile with suggestions on.
/// </summary>
internal sealed record ProfileUpdatedV2(
    [property: JsonPropertyName("eventId")] string EventId,
    [property: JsonPropertyName("profile")] ProfileV2 Profile,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt);

/// <summary>The profile inside <see cref="ProfileUpdatedV2"/>: <c>suggestions</c> is always written.</summary>
internal sealed record ProfileV2(
    [property: JsonPropertyName("displayName")] string? DisplayName,
    [property: JsonPropertyName("country")] string? Country,
    [property: JsonPropertyName("site")] string? Site,
    [property: JsonPropertyName("department")] string? Department,
    [property: JsonPropertyName("function")] string? Function,
    [property: JsonPropertyName("suggestions")] bool Suggestions);

/// <summary>Version 1 of an erasure's record (type <c>user-erased</c>): the pseudonym, never the id it replaced.</summary>
internal sealed record UserErasedV1(
    [property: JsonPropertyName("eventId")] string EventId,
    [property: JsonPropertyName("pseudonym")] string Pseudonym,
    [property: JsonPropertyName("erasedAt")] DateTimeOffset ErasedAt,
    [property: JsonPropertyName("profileChangesDeleted")] int ProfileChangesDeleted);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InteractionV1))]
[JsonSerializable(typeof(ProfileUpdatedV1))]
[JsonSerializable(typeof(ProfileUpdatedV2))]
[JsonSerializable(typeof(UserErasedV1))]
internal sealed partial class StoredRecords : JsonSerializerContext;
