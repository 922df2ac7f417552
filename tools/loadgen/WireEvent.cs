using System.Text.Json;

namespace Collaboration.LoadGen;

/// <summary>One line of events.ndjson as the README's event contract spells it.</summary>
public sealed record WireEvent(
    string EventId,
    string Type,
    string UserId,
    string IdeaId,
    string? ThreadId,
    DateTimeOffset OccurredAt,
    string? Title = null,
    string[]? Tags = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static WireEvent Parse(string line) =>
        JsonSerializer.Deserialize<WireEvent>(line, Json) ?? throw new FormatException("an event line is null");
}
