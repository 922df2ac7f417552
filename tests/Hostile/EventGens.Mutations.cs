using CsCheck;

namespace Collaboration.Tests.Hostile;

public static partial class EventGens
{
    private const string EventIdChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-";
    private const string EntityIdChars = EventIdChars + "@";

    private static readonly string[] WrongValues =
    [
        "1", "-0", "1e400", "123456789012345678901234567890123456789", "1E-999999", "0.5", "true", "false", "[]", "{}",
        "[\"x\"]", "{\"a\":\"x\"}", "null", "\"\"",
    ];

    private static readonly string[] BadIdCharacters =
    [
        " ", "/", "#", "<", ">", "'", "\"", ";", "%", "?", "\\", "é", "ß", "١", "\u0000", "\t", "\n", "\u200B", "💡", "＠", "+",
        "=", "*", "~", "|", "!", ",", "&", "\u007f", "\uFEFF",
    ];

    private static readonly string[] HostileIds =
    [
        "1' OR '1'='1", "<script>alert(1)</script>", "u1; DROP TABLE users", "../etc/passwd", "${jndi:ldap://x/a}", "%2e%2e", "u1\r\nX-Injected: 1",
    ];

    private static readonly byte[][] NotUtf8 =
    [
        [0xFF], [0xFE], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xC3], [0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ];

    private static readonly string[] MalformedValues = ["0x10", "NaN", "Infinity", "-Infinity", "'single'", "01", "+1", ".5", "1.", "tru", "nul", "\"open"];

    private static bool IsRequired(string field) => Required.Contains(field);

    private static Gen<JsonDraft> RemoveRequired(JsonDraft valid) =>
        Gen.OneOf(Required).Select(field => valid.Without(field, Expect.Reject(field)));

    private static Gen<JsonDraft> WrongType(JsonDraft valid) =>
        Gen.Select(Gen.OneOf([.. Required, "threadId", "title", "tags"]), Gen.OneOf(WrongValues), (field, raw) =>
        {
            var isCreate = valid.Text("type") == "create";
            var expect = (field, raw) switch
            {
                (_, "null") => IsRequired(field) ? Expect.Reject(field) : Expect.Accept,
                ("title", "\"\"") => isCreate ? Expect.Accept : Expect.Reject("title"),
                ("tags", "[]" or "[\"x\"]") => isCreate ? Expect.Accept : Expect.Reject("tags"),
                ("threadId", _) when valid.Text("type") is "follow" or "unfollow" && raw != "\"\"" => Expect.Reject("threadId"),
                _ => Expect.Reject(field),
            };
            return valid.With(field, raw, expect);
        });

    private static Gen<JsonDraft> IdEdge(JsonDraft valid) =>
        Gen.Select(Gen.OneOf(IdFields.Where(field => valid.Raw(field) is not null).ToArray()), Gen.Int[0, 6], Gen.Int[0, 1000], Gen.Bool,
            (field, kind, position, escapeAll) =>
            {
                var id = valid.Text(field)!;
                var allowed = field == "eventId" ? EventIdChars : EntityIdChars;
                string Pad(int length) => id + string.Concat(Enumerable.Range(0, length - id.Length).Select(i => allowed[(position + i * 7) % allowed.Length]));
                var bad = BadIdCharacters[position % BadIdCharacters.Length];
                // Inside the id but after the namespace, which must stay whole to be replaced.
                var at = RequestGens.Placeholder.Length + position % (id.Length - RequestGens.Placeholder.Length + 1);
                var (value, expect) = kind switch
                {
                    0 => (Pad(128), Expect.Accept),
                    1 => (Pad(129), Expect.Reject(field)),
                    2 => (Pad(1000), Expect.Reject(field)),
                    3 => ("", Expect.Reject(field)),
                    4 => (id[..at] + bad + id[at..], Expect.Reject(field)),
                    5 => (HostileIds[position % HostileIds.Length], Expect.Reject(field)),
                    _ => field == "eventId" ? (id + "@", Expect.Reject(field)) : (id + ".:-@", Expect.Accept),
                };
                return valid.With(field, JsonDraft.Str(value, escapeAll), expect);
            });

    private static Gen<JsonDraft> TypeEdge(JsonDraft valid) =>
        Gen.Select(Gen.OneOf(Types), Gen.Int[0, 4], (type, kind) =>
        {
            var (value, expect) = kind switch
            {
                0 => (JsonDraft.Str(type, escapeAll: true), ExpectForType(valid, type)),
                1 => (JsonDraft.Str(char.ToUpperInvariant(type[0]) + type[1..]), Expect.Reject("type")),
                2 => (JsonDraft.Str(type + " "), Expect.Reject("type")),
                3 => (JsonDraft.Str(type + "\u0000"), Expect.Reject("type")),
                _ => (JsonDraft.Str(type), ExpectForType(valid, type)),
            };
            return valid.With("type", value, expect);
        });

    /// <summary>The parser's order: a threadId on follow or unfollow first, then title, then tags.</summary>
    private static Expect ExpectForType(JsonDraft valid, string type) =>
        type is "follow" or "unfollow" && valid.Raw("threadId") is not null ? Expect.Reject("threadId")
        : type != "create" && valid.Raw("title") is not null ? Expect.Reject("title")
        : type != "create" && valid.Raw("tags") is not null ? Expect.Reject("tags")
        : Expect.Accept;

    private static Gen<JsonDraft> TitleAndTags(JsonDraft valid) =>
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 19], HostileText.Text(300), (kind, index, text) =>
        {
            var create = valid.With("type", "\"create\"", Expect.Accept).Without("title", Expect.Accept).Without("tags", Expect.Accept);
            string Tags(int count, int at, string raw) =>
                "[" + string.Join(",", Enumerable.Range(0, count).Select(i => i == at ? raw : JsonDraft.Str($"tag{i}"))) + "]";
            return kind switch
            {
                0 => create.With("title", JsonDraft.Str(HostileText.OfLength(300)), Expect.Accept),
                1 => create.With("title", JsonDraft.Str(HostileText.OfLength(301)), Expect.Reject("title")),
                2 => create.With("title", JsonDraft.Str(text), Expect.Accept),
                3 => create.With("tags", Tags(20, -1, ""), Expect.Accept),
                4 => create.With("tags", Tags(21, -1, ""), Expect.Reject("tags")),
                5 => create.With("tags", Tags(index + 1, index, JsonDraft.Str(HostileText.OfLength(50))), Expect.Accept),
                6 => create.With("tags", Tags(index + 1, index, JsonDraft.Str(HostileText.OfLength(51))), Expect.Reject($"tags[{index}]")),
                7 => create.With("tags", Tags(index + 1, index, "\"\""), Expect.Reject($"tags[{index}]")),
                8 => create.With("tags", Tags(index + 1, index, index % 2 == 0 ? "7" : "null"), Expect.Reject($"tags[{index}]")),
                _ => create.With("tags", Tags(index + 1, index, JsonDraft.Str(HostileText.Clip(text, 50))), Expect.Accept),
            };
        });

    private static Gen<JsonDraft> Duplicated(JsonDraft valid) =>
        Gen.Select(Gen.Int[0, valid.Members.Count - 1], Gen.Int[0, 2], (index, kind) =>
        {
            var (name, raw) = valid.Members[index];
            return kind switch
            {
                0 => valid with { Members = [.. valid.Members, (name, raw)], Expect = Expect.Reject(name) },
                1 => valid with { Members = [(name, "\"other\""), .. valid.Members], Expect = Expect.Reject(name) },
                _ => valid.With("extra", "{\"a\":1,\"b\":{\"c\":[{\"d\":1,\"d\":2}]}}", Expect.Reject("extra.b.c[0].d")),
            };
        });

    /// <summary>The event is level 1, so an unknown field holding n levels makes n + 1; 16 is the most allowed.</summary>
    private static Gen<JsonDraft> Nested(JsonDraft valid) =>
        Gen.Select(Gen.Frequency((4, Gen.Int[1, 15]), (3, Gen.Const(16)), (1, Gen.Int[17, 200]), (1, Gen.Const(10_000))), Gen.Bool, (levels, objects) =>
        {
            var value = objects && levels < 1000
                ? string.Concat(Enumerable.Repeat("{\"a\":", levels - 1)) + "{}" + new string('}', levels - 1)
                : new string('[', levels) + new string(']', levels);
            return valid.With("extra", value, levels <= 15 ? Expect.Accept : Expect.Reject("body"));
        });

    private static Gen<JsonDraft> InvalidUtf8(JsonDraft valid) =>
        Gen.Select(Gen.OneOf([.. valid.Members.Where(m => m.Raw.StartsWith('"')).Select(m => m.Name)]), Gen.OneOf(NotUtf8), Gen.Int[0, 200],
            (field, bytes, position) =>
            {
                var text = valid.Text(field)!;
                var at = position % (text.Length + 1);
                var known = Required.Contains(field) || field is "threadId" or "title";
                return valid.With(field, JsonDraft.Str(text[..at] + JsonDraft.Marker + text[at..]), known ? Expect.Reject(field) : Expect.Either)
                    with { InvalidUtf8 = bytes };
            });

    private static Gen<JsonDraft> LoneSurrogate(JsonDraft valid) =>
        Gen.Select(Gen.OneOf([.. IdFields.Where(field => valid.Raw(field) is not null), "type", "occurredAt"]), Gen.OneOf("\\ud800", "\\udfff", "\\ud83d"),
            (field, surrogate) => valid.With(field, "\"" + JsonDraft.Str(valid.Text(field)!)[1..^1] + surrogate + "\"", Expect.Reject(field)));

    private static Gen<JsonDraft> RawControlCharacter(JsonDraft valid) =>
        Gen.Select(Gen.OneOf([.. valid.Members.Where(m => m.Raw.StartsWith('"')).Select(m => m.Name)]), Gen.Char['\u0000', '\u001f'],
            (field, control) => valid.With(field, "\"" + control + JsonDraft.Str(valid.Text(field)!)[1..], Expect.Reject("body")));

    private static Gen<JsonDraft> Broken(JsonDraft valid)
    {
        var text = valid.Text();
        return Gen.Select(Gen.Int[0, 9], Gen.Int[0, text.Length - 1], Gen.OneOf(MalformedValues), (kind, position, malformed) =>
        {
            var (broken, field) = kind switch
            {
                0 => (text[..position], "body"),
                1 => (text + "x", "body"),
                2 => (text + ",{}", "body"),
                3 => ("[" + text + "]", "event"),
                4 => (text + text, "body"),
                5 => (text[..^1] + ",}", "body"),
                6 => ("{/* note */" + text[1..], "body"),
                7 => ("{'eventId':" + text[1..], "body"),
                8 => (text[..^1] + ",\"extra\":" + malformed + "}", "body"),
                _ => (JsonDraft.Str(text), "event"),
            };
            return valid with { Broken = broken, Expect = Expect.Reject(field) };
        });
    }
}
