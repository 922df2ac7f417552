using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Collaboration.Tests.Hostile;

/// <summary>
/// A JSON object as the generator builds it: members in order (a name may repeat), values as raw JSON text, so that
/// duplicated properties, huge numbers and broken values can be written. <see cref="InvalidUtf8"/> replaces every
/// <see cref="Marker"/> character after encoding, to put raw bytes that are not UTF-8 inside the text; <see cref="Broken"/>
/// is text that is no longer a JSON object, sent instead of the members.
/// </summary>
public sealed record JsonDraft(IReadOnlyList<(string Name, string Raw)> Members, Expect Expect, byte[]? InvalidUtf8 = null, string? Broken = null)
{
    public const char Marker = '\uE000';

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// A JSON string: raw UTF-8 (the <see cref="Marker"/> too, so it can be replaced), or with every character escaped
    /// as \uXXXX (the same value to a reader).
    /// </summary>
    public static string Str(string value, bool escapeAll = false) =>
        escapeAll
            ? "\"" + string.Concat(value.Select(c => $"\\u{(int)c:x4}")) + "\""
            : JsonSerializer.Serialize(value, Relaxed).Replace("\\uE000", Marker.ToString(), StringComparison.Ordinal);

    public string? Raw(string name) => Members.LastOrDefault(m => m.Name == name).Raw;

    /// <summary>The string value of a member as written by <see cref="Str"/>, or null when it is not a plain string.</summary>
    public string? Text(string name) => Raw(name) is { } raw && raw.StartsWith('"') ? JsonSerializer.Deserialize<string>(raw) : null;

    public JsonDraft With(string name, string raw, Expect expect) =>
        this with { Members = Members.Any(m => m.Name == name)
            ? [.. Members.Select(m => m.Name == name ? (name, raw) : m)]
            : [.. Members, (name, raw)], Expect = expect };

    public JsonDraft Without(string name, Expect expect) => this with { Members = [.. Members.Where(m => m.Name != name)], Expect = expect };

    public string Text() => Broken ?? "{" + string.Join(",", Members.Select(m => Str(m.Name) + ":" + m.Raw)) + "}";

    public byte[] ToBytes()
    {
        var bytes = Encoding.UTF8.GetBytes(Text());
        return InvalidUtf8 is null ? bytes : Bytes.Replace(bytes, Encoding.UTF8.GetBytes(Marker.ToString()), InvalidUtf8);
    }

    public override string ToString() => $"{Text()} ({Expect})";
}
