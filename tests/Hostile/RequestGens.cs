using System.Text;
using CsCheck;

namespace Collaboration.Tests.Hostile;

/// <summary>Requests to the single and batch endpoints, built from <see cref="EventGens"/> and broken as a whole too.</summary>
public static class RequestGens
{
    public const int MaxEventBytes = 32 * 1024;
    public const int MaxBatchBytes = 1024 * 1024;
    public const int HugeBytes = 10 * 1024 * 1024;

    /// <summary>
    /// The namespace the generators write; the checker replaces it with one of its own per request, since CsCheck may
    /// draw the same values twice (it does while shrinking) and a request must never find another's ids.
    /// </summary>
    public const string Placeholder = "nsXXXXXXXXXXXXXXXX";

    public static readonly Gen<string> Namespaces = Gen.Const(Placeholder);

    /// <summary>How a namespace appears in a body: as it is, and with every character escaped.</summary>
    public static string[] Spellings(string ns) => [ns, JsonDraft.Str(ns, escapeAll: true)[1..^1]];

    private static readonly string?[] JsonContentTypes = [null, "application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/json;charset=UTF-8"];

    private static readonly string[] OtherContentTypes =
    [
        "text/plain", "application/x-www-form-urlencoded", "application/json-patch+json", "application/problem+json",
        "multipart/form-data; boundary=x", "application/xml", "json", "text/json", "application/x-ndjson", "text/csv",
    ];

    private static readonly (string Body, string Field)[] NotAnEvent =
    [
        ("", "body"), (" \r\n\t", "body"), ("null", "event"), ("[]", "event"), ("\"x\"", "event"), ("123", "event"), ("1e999999", "event"),
        ("{}", "eventId"), ("\u0000", "body"), ("{\"eventId\":", "body"), ("\uFEFF\uFEFF{}", "body"),
    ];

    public static readonly Gen<HostileRequest> Single = Namespaces.SelectMany(ns => Gen.Frequency(
        (800, EventGens.Mutated(ns, 0, inBatch: false).Select(draft => Event(ns, "mutated event", draft.ToBytes(), "application/json", draft.Expect))),
        (60, Gen.Select(EventGens.Valid(ns, 0), Gen.OneOf(JsonContentTypes), (draft, type) => Event(ns, "content type", draft.ToBytes(), type, Expect.Accept))),
        (60, Gen.Select(EventGens.Valid(ns, 0), Gen.OneOf(OtherContentTypes), (draft, type) =>
            Event(ns, "content type", draft.ToBytes(), type, Expect.Reject("Content-Type"), 415))),
        (60, Gen.OneOf(NotAnEvent).Select(bad => Event(ns, "not an event", Encoding.UTF8.GetBytes(bad.Body), "application/json", Expect.Reject(bad.Field)))),
        (60, EventGens.Valid(ns, 0).SelectMany(draft => Framed(ns, draft))),
        (60, EventGens.Valid(ns, 0).SelectMany(draft => Flipped(draft).Select(bytes => Event(ns, "bytes flipped", bytes, "application/json", Expect.Either)))),
        (30, Gen.Select(EventGens.Valid(ns, 0), Gen.Int[-2, 2], (draft, delta) => SizedEvent(ns, draft, MaxEventBytes + delta))),
        (1, Gen.Bool.Select(streamed => Huge(Endpoint.Event, ns, streamed)))));

    public static Gen<HostileRequest> Batch => Namespaces.SelectMany(ns => Gen.Int[0, 10].SelectMany(count => Items(ns, count)).SelectMany(items => Gen.Frequency(
        (300, Gen.Const(BatchOf(ns, "batch", items, ""))),
        (10, Gen.Const(BatchOf(ns, "batch after a byte-order mark", items, "\uFEFF"))),
        (10, Gen.OneOf(OtherContentTypes).Select(type => BatchOf(ns, "batch", items, "") with
            { ContentType = type, Whole = Expect.Reject("Content-Type"), RefusedStatus = 415 })),
        (20, Gen.OneOf(
            ("{\"events\":[],\"events\":[]}", "events"), ("{\"event\":[]}", "events"), ("{}", "events"), ("[]", "events"), ("null", "events"),
            ("{\"events\":{}}", "events"), ("{\"events\":\"x\"}", "events"), ("{\"events\":null}", "events"), ("", "body"),
            ("{\"events\":[]} x", "body"), ("{\"events\":[1,]}", "body"), ("{\"events\":[", "body"))
            .Select(bad => Refused(Endpoint.Batch, ns, "not a batch", Encoding.UTF8.GetBytes(bad.Item1), bad.Item2))),
        (10, Gen.Int[0, Math.Max(0, Text(items).Length - 2)].Select(cut =>
            Refused(Endpoint.Batch, ns, "truncated batch", Encoding.UTF8.GetBytes(Text(items)[..cut]), "body"))),
        (10, Gen.OneOf("1", "\"x\"", "null", "[]", "true", new string('[', 100_000) + new string(']', 100_000)).Select(item =>
            BatchOf(ns, "batch with a non-object", [.. items, new JsonDraft([], Expect.Reject("event"), Broken: item)], ""))),
        (4, Gen.Const(Refused(Endpoint.Batch, ns, "1001 events", Encoding.UTF8.GetBytes("{\"events\":[" + string.Join(",", Enumerable.Repeat("{}", 1001)) + "]}"), "events", 413))),
        (4, Gen.Int[-2, 2].Select(delta => SizedBatch(ns, items, MaxBatchBytes + delta))),
        (1, Gen.Bool.Select(streamed => Huge(Endpoint.Batch, ns, streamed))))));

    /// <summary>Items 0..count-1; an item may repeat an earlier one, reuse its eventId or its thread with another idea.</summary>
    private static Gen<JsonDraft[]> Items(string ns, int count) => count == 0
        ? Gen.Const(Array.Empty<JsonDraft>())
        : Items(ns, count - 1).SelectMany(earlier => Gen.Frequency(
            (20, EventGens.Mutated(ns, count - 1, inBatch: true)),
            (earlier.Length > 0 ? 2 : 0, Gen.Int[0, Math.Max(0, earlier.Length - 1)].Select(i => earlier[i])),
            (1, EventGens.Valid(ns, count - 1).Select(fresh => ReuseOf(earlier, fresh))))
            .Select(item => (JsonDraft[])[.. earlier, item]));

    private static JsonDraft ReuseOf(JsonDraft[] earlier, JsonDraft fresh)
    {
        if (earlier.LastOrDefault(e => e.Expect.Accepted == true && e.Broken is null && e.Text("threadId") is not null) is { } withThread &&
            fresh.Text("type") is not ("follow" or "unfollow"))
        {
            return fresh.With("threadId", withThread.Raw("threadId")!, Expect.Reject("threadId"));
        }
        return earlier.LastOrDefault(e => e.Expect.Accepted == true && e.Broken is null) is { } accepted
            ? fresh.With("eventId", accepted.Raw("eventId")!, Expect.Reject("eventId"))
            : fresh;
    }

    private static string Text(JsonDraft[] items) => "{\"events\":[" + string.Join(",", items.Select(item => item.Text())) + "]}";

    private static HostileRequest BatchOf(string ns, string description, JsonDraft[] items, string prefix)
    {
        var body = new List<byte>(Encoding.UTF8.GetBytes(prefix + "{\"events\":[\n"));
        var itemBodies = items.Select(item => item.ToBytes()).ToArray();
        for (var i = 0; i < items.Length; i++)
        {
            body.AddRange(itemBodies[i]);
            body.AddRange(i < items.Length - 1 ? ",\n"u8.ToArray() : []);
        }
        body.AddRange("]}"u8.ToArray());
        var expects = items.Select(item => item.Expect.Field == "body" ? item.Expect with { Field = "event" } : item.Expect).ToArray();
        return new HostileRequest(Endpoint.Batch, ns, $"{description} of {items.Length}", [.. body], "application/json", Expect.Accept, 400, expects, [], ItemBodies: itemBodies);
    }

    private static HostileRequest SizedBatch(string ns, JsonDraft[] items, int size)
    {
        var start = BatchOf(ns, "sized batch", items, "");
        var padding = "\"padding\":\"" + new string('p', Math.Max(0, size - start.Body.Length - 14)) + "\",";
        // Joined as bytes: a round trip through a string would turn an item's invalid UTF-8 into valid replacement characters.
        byte[] body = [.. Encoding.UTF8.GetBytes("{" + padding), .. start.Body.AsSpan(1)];
        return body.Length <= MaxBatchBytes
            ? start with { Description = $"batch of {body.Length} bytes", Body = body }
            : Refused(Endpoint.Batch, ns, $"batch of {body.Length} bytes", body, "body", 413);
    }

    private static HostileRequest Event(string ns, string description, byte[] body, string? contentType, Expect expect, int refusedStatus = 400) =>
        new(Endpoint.Event, ns, description, body, contentType, expect, refusedStatus, [expect], []);

    private static HostileRequest Refused(Endpoint endpoint, string ns, string description, byte[] body, string field, int status = 400) =>
        new(endpoint, ns, description, body, "application/json", Expect.Reject(field), status, [], []);

    private static Gen<HostileRequest> Framed(string ns, JsonDraft draft) =>
        Gen.Int[0, 4].Select(kind =>
        {
            var text = draft.ToBytes();
            return kind switch
            {
                0 => Event(ns, "byte-order mark", [0xEF, 0xBB, 0xBF, .. text], "application/json", Expect.Accept),
                1 => Event(ns, "white space around", [.. " \r\n\t"u8, .. text, .. "\r\n "u8], "application/json", Expect.Accept),
                2 => Event(ns, "UTF-16", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(draft.Text())).ToArray(), "application/json", Expect.Reject("body")),
                3 => Event(ns, "NUL after", [.. text, 0], "application/json", Expect.Reject("body")),
                _ => Event(ns, "two byte-order marks", [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. text], "application/json", Expect.Reject("body")),
            };
        });

    /// <summary>Up to 4 bytes replaced, outside the namespace (so a flipped id cannot be another request's).</summary>
    private static Gen<byte[]> Flipped(JsonDraft draft)
    {
        var bytes = draft.ToBytes();
        var text = Encoding.Latin1.GetString(bytes);
        var taken = new bool[bytes.Length];
        foreach (var spelling in Spellings(Placeholder))
        {
            for (var at = text.IndexOf(spelling, StringComparison.Ordinal); at >= 0; at = text.IndexOf(spelling, at + 1, StringComparison.Ordinal))
            {
                Array.Fill(taken, true, at, spelling.Length);
            }
        }
        var free = Enumerable.Range(0, bytes.Length).Where(i => !taken[i]).ToArray();
        return Gen.Select(Gen.OneOf(free).Array[1, 4], Gen.Byte.Array[4], (positions, values) =>
        {
            var copy = (byte[])bytes.Clone();
            for (var i = 0; i < positions.Length; i++)
            {
                copy[positions[i]] = values[i];
            }
            return copy;
        });
    }

    /// <summary>The event padded with an unknown field to exactly <paramref name="size"/> bytes: 32 KiB is allowed, a byte more is 413.</summary>
    private static HostileRequest SizedEvent(string ns, JsonDraft draft, int size)
    {
        var empty = draft.With("padding", "\"\"", Expect.Accept).ToBytes().Length;
        var padded = draft.With("padding", "\"" + new string('p', size - empty) + "\"", Expect.Accept).ToBytes();
        return size <= MaxEventBytes
            ? Event(ns, $"event of {padded.Length} bytes", padded, "application/json", Expect.Accept)
            : Event(ns, $"event of {padded.Length} bytes", padded, "application/json", Expect.Reject("body"), 413);
    }

    /// <summary>10 MiB: with a Content-Length, or streamed and held open past the limit until the answer arrives.</summary>
    public static HostileRequest Huge(Endpoint endpoint, string ns, bool streamed)
    {
        var prefix = endpoint == Endpoint.Batch ? "{\"events\":[{\"padding\":\"" : "{\"eventId\":\"" + EventGens.EventId(ns, 0) + "\",\"padding\":\"";
        var body = Encoding.UTF8.GetBytes(prefix);
        return streamed
            ? new HostileRequest(endpoint, ns, "10 MiB chunked, answered after a quarter", body, "application/json", Expect.Reject("body"), 413, [], [], HugeBytes)
            : new HostileRequest(endpoint, ns, "10 MiB", [.. body, .. Enumerable.Repeat((byte)'p', HugeBytes - body.Length)], "application/json",
                Expect.Reject("body"), 413, [], []);
    }
}
