using Collaboration.Events;
using Collaboration.Users;

namespace Collaboration.Api.Responses;

/// <summary>
/// GET /v1/users/{userId}/export: everything held about one person. Events in the shape they were posted in, oldest
/// first; profile changes in order (what each PUT or import row left); the ideas followed now; the user's view for
/// each window.
/// </summary>
public sealed record UserExportResponse(
    string UserId, DateTimeOffset ExportedAt, UserProfile? Profile, IReadOnlyList<ProfileChangeResponse> ProfileChanges,
    IReadOnlyList<EventResponse> Events, IReadOnlyList<string> Following, IReadOnlyList<UserResponse> Windows)
{
    public static UserExportResponse Of(UserExport export, DateTimeOffset at) => new(
        export.UserId, at, export.Profile,
        [.. export.ProfileChanges.Select(change => new ProfileChangeResponse(change.UpdatedAt, change.Profile))],
        [.. export.Events.Select(EventResponse.Of)],
        export.Following,
        [.. export.Windows.Select(view => UserResponse.Of(view, null))]);
}

/// <summary>A profile as one change left it.</summary>
public sealed record ProfileChangeResponse(DateTimeOffset UpdatedAt, UserProfile Profile);

/// <summary>A stored interaction, in the fields and names of POST /v1/events.</summary>
public sealed record EventResponse(
    string EventId, string Type, string UserId, string IdeaId, string? ThreadId, DateTimeOffset OccurredAt, string? Title, IReadOnlyList<string>? Tags)
{
    public static EventResponse Of(Interaction e) =>
        new(e.EventId, e.Type.ToWireName(), e.UserId, e.IdeaId, e.ThreadId, e.OccurredAt, e.Title, e.Tags);
}
