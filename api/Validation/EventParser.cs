using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Collaboration.Events;

namespace Collaboration.Api.Validation;

/// <summary>
/// Turns one posted JSON event into an <see cref="Interaction"/>, or the first problem with it. Unknown fields are
/// ignored; optional fields may be absent or null.
/// </summary>
public static partial class EventParser
{
    public const int MaxTitleLength = 300;
    public const int MaxTags = 20;
    public const int MaxTagLength = 50;
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The event id if the JSON object names a string one, for reporting a rejected event: read without the JSON rules,
    /// so an event refused for a duplicated property or its depth is still named (the first eventId wins).
    /// </summary>
    public static string? EventIdOf(ReadOnlyMemory<byte> json)
    {
        var reader = new Utf8JsonReader(json.Span, new JsonReaderOptions { MaxDepth = int.MaxValue });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isEventId = reader.ValueTextEquals("eventId"u8);
                reader.Read();
                if (isEventId)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                reader.Skip();
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not readable as an id (broken text): the rejection names no event.
        }
        return null;
    }

    /// <summary>
    /// Null and the interaction when the event is valid; otherwise the first problem found. With a retention of
    /// <paramref name="retentionDays"/> (0: none), an event dated before it is refused: it would be deleted soon anyway.
    /// </summary>
    public static FieldError? TryParse(JsonElement json, DateTimeOffset now, out Interaction? interaction, int retentionDays = 0)
    {
        interaction = null;
        if (json.ValueKind != JsonValueKind.Object)
        {
            return new FieldError("event", "must be a JSON object");
        }
        if ((RequiredString(json, "eventId", out var eventId) ?? Ids.CheckEventId("eventId", eventId)) is { } idError)
        {
            return idError;
        }
        if (RequiredString(json, "type", out var typeName) is { } typeMissing)
        {
            return typeMissing;
        }
        if (!InteractionTypes.TryParse(typeName, out var type))
        {
            return new FieldError("type", "must be one of create, comment, like, edit, share, view, follow, unfollow");
        }
        if ((RequiredString(json, "userId", out var userId) ?? Ids.CheckUserId("userId", userId)) is { } userError)
        {
            return userError;
        }
        if ((RequiredString(json, "ideaId", out var ideaId) ?? Ids.CheckEntityId("ideaId", ideaId)) is { } ideaError)
        {
            return ideaError;
        }
        if ((OptionalString(json, "threadId", out var threadId) ?? (threadId is null ? null : Ids.CheckEntityId("threadId", threadId))) is { } threadError)
        {
            return threadError;
        }
        if (threadId is not null && type is InteractionType.Follow or InteractionType.Unfollow)
        {
            return new FieldError("threadId", "follow and unfollow are on the idea only; remove threadId");
        }
        if (RequiredString(json, "occurredAt", out var occurredText) is { } timeMissing)
        {
            return timeMissing;
        }
        if (ParseTimestamp(occurredText, now, out var occurredAt) is { } timeError)
        {
            return timeError;
        }
        if (retentionDays > 0 && occurredAt < now.AddDays(-retentionDays))
        {
            return new FieldError("occurredAt", $"must not be more than {retentionDays} days ago (the retention period)");
        }
        if (OptionalString(json, "title", out var title) is { } titleTypeError)
        {
            return titleTypeError;
        }
        if (title is not null && (type != InteractionType.Create || JsonText.Length(title) > MaxTitleLength))
        {
            return new FieldError("title", type != InteractionType.Create ? "only allowed with type create" : $"must be at most {MaxTitleLength} characters");
        }
        if (ParseTags(json, type, out var tags) is { } tagError)
        {
            return tagError;
        }
        interaction = new Interaction(eventId, type, userId, ideaId, threadId, occurredAt, title, tags);
        return null;
    }

    private static FieldError? RequiredString(JsonElement json, string field, out string value)
    {
        value = "";
        if (!json.TryGetProperty(field, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return new FieldError(field, "is required");
        }
        if (property.ValueKind != JsonValueKind.String)
        {
            return new FieldError(field, "must be a string");
        }
        return JsonText.TryGet(property, out value) ? null : new FieldError(field, JsonText.NotText);
    }

    private static FieldError? OptionalString(JsonElement json, string field, out string? value)
    {
        value = null;
        if (!json.TryGetProperty(field, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (property.ValueKind != JsonValueKind.String)
        {
            return new FieldError(field, "must be a string");
        }
        if (!JsonText.TryGet(property, out var text))
        {
            return new FieldError(field, JsonText.NotText);
        }
        value = text;
        return null;
    }

    /// <summary>RFC 3339 date-time with a Z or numeric offset; the calendar check is left to the parser.</summary>
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    /// <summary>Parses an RFC 3339 timestamp (with a Z or numeric offset) to UTC.</summary>
    public static bool TryParseRfc3339(string text, out DateTimeOffset instant)
    {
        instant = default;
        if (!Rfc3339().IsMatch(text) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant))
        {
            return false;
        }
        instant = instant.ToUniversalTime();
        return true;
    }

    public static FieldError? ParseTimestamp(string text, DateTimeOffset now, out DateTimeOffset instant)
    {
        if (!TryParseRfc3339(text, out instant))
        {
            return new FieldError("occurredAt", "must be an RFC 3339 timestamp with an offset, e.g. 2026-11-26T09:30:00Z");
        }
        if (instant < Earliest)
        {
            return new FieldError("occurredAt", "must not be before 2000-01-01T00:00:00Z");
        }
        if (instant > now + MaxClockSkew)
        {
            return new FieldError("occurredAt", "must not be more than 5 minutes in the future");
        }
        return null;
    }

    private static FieldError? ParseTags(JsonElement json, InteractionType type, out string[]? tags)
    {
        tags = null;
        if (!json.TryGetProperty("tags", out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (type != InteractionType.Create)
        {
            return new FieldError("tags", "only allowed with type create");
        }
        if (property.ValueKind != JsonValueKind.Array)
        {
            return new FieldError("tags", "must be an array of strings");
        }
        if (property.GetArrayLength() > MaxTags)
        {
            return new FieldError("tags", $"must have at most {MaxTags} entries");
        }
        var values = new string[property.GetArrayLength()];
        var index = 0;
        foreach (var tag in property.EnumerateArray())
        {
            if (tag.ValueKind != JsonValueKind.String || !JsonText.TryGet(tag, out var value) ||
                JsonText.Length(value) is 0 or > MaxTagLength)
            {
                return new FieldError($"tags[{index}]", $"must be a string of 1-{MaxTagLength} characters");
            }
            values[index++] = value;
        }
        tags = values;
        return null;
    }
}
