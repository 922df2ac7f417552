using CsCheck;

namespace Collaboration.Tests.Hostile;

/// <summary>
/// Valid events whose ids live in a namespace of their own (so what a request stored can be found, and what it must
/// not have stored is known), and mutations of them that say what the contract expects.
/// </summary>
public static partial class EventGens
{
    public static readonly string[] Types = ["create", "comment", "like", "edit", "share", "view", "follow", "unfollow"];

    public static readonly string[] Required = ["eventId", "type", "userId", "ideaId", "occurredAt"];

    public static readonly string[] IdFields = ["eventId", "userId", "ideaId", "threadId"];

    public static string EventId(string ns, int k) => $"{ns}-e{k}";

    public static string UserId(string ns, int k) => $"{ns}-u{k}";

    public static string IdeaId(string ns, int k) => $"{ns}-i{k}";

    public static string ThreadId(string ns, int k) => $"{ns}-t{k}";

    private static readonly Gen<string[]?> Tags = Gen.Frequency(
        (3, Gen.Const((string[]?)null)),
        (2, HostileText.Text(50).Array[0, 5].Select(tags => (string[]?)tags)));

    private static readonly Gen<(string, string)[]> Extras = Gen.Frequency(
        (5, Gen.Const(Array.Empty<(string, string)>())),
        (1, Gen.OneOf(
            ("appVersion", "\"7.1\""), ("count", "1e999999999"), ("big", new string('9', 1000)), ("tiny", "-1.0e-400"),
            ("meta", "{\"a\":[1,{\"b\":null}],\"c\":\"\\u0000\\u001f\"}"), ("flag", "true"), ("list", "[]"),
            ("html", "\"<script>alert(1)</script>\""), ("sql", "\"'; DROP TABLE events; --\""), ("eventid", "\"other\""))
            .Array[1, 3].Select(extras => extras.DistinctBy(e => e.Item1).ToArray())));

    /// <summary>A valid event, item <paramref name="k"/> of a request in namespace <paramref name="ns"/>.</summary>
    public static Gen<JsonDraft> Valid(string ns, int k) =>
        Gen.Select(Gen.OneOf(Types), Gen.Int[0, 2], Timestamps.Valid, Gen.Int[0, 9], HostileText.Text(300), Tags, Extras,
            (type, threadChoice, occurredAt, escapeChoice, title, tags, extras) =>
            {
                var escapeAll = escapeChoice == 0;
                var members = new List<(string, string)>
                {
                    ("eventId", JsonDraft.Str(EventId(ns, k), escapeAll)),
                    ("type", JsonDraft.Str(type, escapeAll)),
                    ("userId", JsonDraft.Str(UserId(ns, k), escapeAll)),
                    ("ideaId", JsonDraft.Str(IdeaId(ns, k), escapeAll)),
                };
                if (threadChoice > 0 && type is not ("follow" or "unfollow"))
                {
                    members.Add(("threadId", JsonDraft.Str(ThreadId(ns, k), escapeAll)));
                }
                members.Add(("occurredAt", JsonDraft.Str(occurredAt, escapeAll)));
                if (type == "create" && threadChoice < 2)
                {
                    members.Add(("title", JsonDraft.Str(title, escapeAll)));
                }
                if (type == "create" && tags is not null)
                {
                    members.Add(("tags", "[" + string.Join(",", tags.Select(tag => JsonDraft.Str(tag, escapeAll))) + "]"));
                }
                members.AddRange(extras);
                return new JsonDraft(members, Expect.Accept);
            });

    /// <summary>
    /// A valid event changed in one way the contract has a rule for, or not at all. With <paramref name="inBatch"/>, only
    /// changes that keep the item readable as one JSON value inside the batch's array.
    /// </summary>
    public static Gen<JsonDraft> Mutated(string ns, int k, bool inBatch) =>
        Valid(ns, k).SelectMany(valid => Gen.Frequency(
            (12, Gen.Const(valid)),
            (4, RemoveRequired(valid)),
            (8, WrongType(valid)),
            (8, IdEdge(valid)),
            (8, Gen.OneOf(Timestamps.Edges).Select(edge => valid.With("occurredAt", JsonDraft.Str(edge.Text), edge.Expect))),
            (3, TypeEdge(valid)),
            (5, TitleAndTags(valid)),
            (4, Duplicated(valid)),
            (4, Nested(valid)),
            (3, InvalidUtf8(valid)),
            (2, LoneSurrogate(valid)),
            (inBatch ? 0 : 3, RawControlCharacter(valid)),
            (inBatch ? 0 : 3, Broken(valid))));
}
