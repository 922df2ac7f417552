using Collaboration.Events;

namespace Collaboration.Tests.Support;

/// <summary>Builders of interactions and their JSON form, with unique ids per test.</summary>
public static class Make
{
    public static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static Interaction Event(InteractionType type, string userId, string ideaId, DateTimeOffset at,
        string? threadId = null, string? eventId = null, string? title = null, string[]? tags = null) =>
        new(eventId ?? Id("e"), type, userId, ideaId, threadId, at.ToUniversalTime(), title, tags);

    /// <summary>The JSON text of a <see cref="Json"/> dictionary.</summary>
    public static string ToJson(this Dictionary<string, object?> json) => System.Text.Json.JsonSerializer.Serialize(json);

    /// <summary>The JSON an app would post for <paramref name="interaction"/>.</summary>
    public static Dictionary<string, object?> Json(Interaction interaction)
    {
        var json = new Dictionary<string, object?>
        {
            ["eventId"] = interaction.EventId,
            ["type"] = interaction.Type.ToWireName(),
            ["userId"] = interaction.UserId,
            ["ideaId"] = interaction.IdeaId,
            ["occurredAt"] = interaction.OccurredAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'"),
        };
        if (interaction.ThreadId is not null)
        {
            json["threadId"] = interaction.ThreadId;
        }
        if (interaction.Title is not null)
        {
            json["title"] = interaction.Title;
        }
        if (interaction.Tags is not null)
        {
            json["tags"] = interaction.Tags;
        }
        return json;
    }
}
