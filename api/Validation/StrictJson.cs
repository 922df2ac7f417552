using System.Text.Json;

namespace Collaboration.Api.Validation;

/// <summary>
/// JSON as the API reads it: at most <see cref="MaxDepth"/> levels of objects and arrays (the posted object is level 1),
/// and no property twice in one object (which eventId did the app mean?). A batch is split into its items first and
/// each item is read by the same rules, so an item that breaks them is rejected alone and an event is accepted or
/// refused alike on its own or in a batch.
/// </summary>
public static class StrictJson
{
    public const int MaxDepth = 16;

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    /// <summary>The document, or null and what is wrong with it; <paramref name="field"/> names the JSON as a whole.</summary>
    public static JsonDocument? Parse(ReadOnlyMemory<byte> json, string field, out FieldError? error)
    {
        error = null;
        json = WithoutByteOrderMark(json);
        try
        {
            return JsonDocument.Parse(json, Strict);
        }
        catch (JsonException ex)
        {
            error = Explain(json, field, ex);
            return null;
        }
    }

    /// <summary>
    /// The raw items of <c>{"events":[...]}</c>, read without a depth limit so that depth is judged per item. Only a body
    /// that is not JSON at all, or not of that shape, fails as a whole.
    /// </summary>
    public static FieldError? SplitBatch(ReadOnlyMemory<byte> body, string arrayProperty, List<ReadOnlyMemory<byte>> items)
    {
        body = WithoutByteOrderMark(body);
        var shape = new FieldError(arrayProperty, $"is required: the body must be {{\"{arrayProperty}\":[...]}}");
        var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = int.MaxValue });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return shape;
            }
            var found = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isArray = reader.ValueTextEquals(arrayProperty);
                reader.Read();
                if (!isArray)
                {
                    reader.Skip();
                    continue;
                }
                if (found)
                {
                    return new FieldError(arrayProperty, "appears more than once in the body");
                }
                found = true;
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return shape;
                }
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    items.Add(body[start..(int)reader.BytesConsumed]);
                }
            }
            // Reading past the closing brace refuses anything but white space after it.
            reader.Read();
            return found ? null : shape;
        }
        catch (JsonException ex)
        {
            return Malformed("body", ex);
        }
    }

    /// <summary>
    /// The strict parse says where it stopped but not always why in words a client can act on (a duplicated property
    /// has no position), so the JSON is read again leniently to tell a duplicate from too deep from malformed.
    /// </summary>
    private static FieldError Explain(ReadOnlyMemory<byte> json, string field, JsonException strictError)
    {
        try
        {
            using var shallow = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = true });
            return DuplicatedProperty(shallow.RootElement, "") is { } path
                ? new FieldError(path, "appears more than once in the same object")
                : Malformed(field, strictError);
        }
        catch (JsonException)
        {
        }
        // Only the syntax is checked past the limit: building a document 100,000 levels deep took seconds per request.
        var reader = new Utf8JsonReader(json.Span, new JsonReaderOptions { MaxDepth = int.MaxValue });
        try
        {
            while (reader.Read())
            {
            }
            return new FieldError(field, $"nests objects and arrays more than {MaxDepth} levels deep");
        }
        catch (JsonException ex)
        {
            return Malformed(field, ex);
        }
    }

    /// <summary>The path of the first property named twice in one object ("extra.a", "tags[2].x"), depth first.</summary>
    private static string? DuplicatedProperty(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var propertyPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (!names.Add(property.Name))
                    {
                        return propertyPath;
                    }
                    if (DuplicatedProperty(property.Value, propertyPath) is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (DuplicatedProperty(item, $"{path}[{index++}]") is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    private static FieldError Malformed(string field, JsonException ex)
    {
        // The reader's message repeats the position after the reason; keep the reason only.
        var reason = ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
        var where = ex.LineNumber is { } line && ex.BytePositionInLine is { } position
            ? $" at line {line + 1}, byte {position + 1}"
            : "";
        return new FieldError(field, $"malformed JSON{where}: {reason}");
    }

    private static ReadOnlyMemory<byte> WithoutByteOrderMark(ReadOnlyMemory<byte> json) =>
        json.Span.StartsWith("\uFEFF"u8) ? json[3..] : json;
}
