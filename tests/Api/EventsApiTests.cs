using System.Net;
using System.Text.Json.Nodes;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Api;

/// <summary>Runs against the embedded default and against cluster mode (see the two classes at the end).</summary>
public abstract class EventsApiTests(ApiFactory factory)
{
    private readonly HttpClient client = factory.CreateClient();

    private static DateTimeOffset Now => Make.Noon;

    [Fact]
    public async Task An_event_is_accepted_once_and_then_reported_as_duplicate()
    {
        var like = Make.Json(Make.Event(Like, Make.Id("u"), Make.Id("i"), Now));

        using var first = await client.PostJsonAsync("/v1/events", like);
        using var second = await client.PostJsonAsync("/v1/events", like);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("accepted", (await first.ReadNodeAsync())["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var body = await second.ReadNodeAsync();
        Assert.Equal(("duplicate", like["eventId"]), (body["status"]!.GetValue<string>(), (object?)body["eventId"]!.GetValue<string>()));
        var idea = await client.GetNodeAsync($"/v1/ideas/{like["ideaId"]}");
        Assert.Equal(1, idea["counts"]!["like"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_same_id_with_other_content_is_a_conflict_and_stores_nothing()
    {
        var original = Make.Event(Like, Make.Id("u"), Make.Id("i"), Now);
        await client.PostJsonAsync("/v1/events", Make.Json(original));
        var reuse = Make.Json(Make.Event(Comment, Make.Id("u"), Make.Id("i"), Now, eventId: original.EventId));

        using var response = await client.PostJsonAsync("/v1/events", reuse);

        await AssertProblem(response, HttpStatusCode.Conflict, "eventId");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/ideas/{reuse["ideaId"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/users/{reuse["userId"]}")).StatusCode);
    }

    [Fact]
    public async Task A_thread_named_with_another_idea_is_a_conflict()
    {
        var thread = Make.Id("t");
        await client.PostJsonAsync("/v1/events", Make.Json(Make.Event(Create, Make.Id("u"), Make.Id("i"), Now, threadId: thread)));
        var other = Make.Json(Make.Event(Comment, Make.Id("u"), Make.Id("i"), Now, threadId: thread));

        using var response = await client.PostJsonAsync("/v1/events", other);

        await AssertProblem(response, HttpStatusCode.Conflict, "threadId");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/ideas/{other["ideaId"]}")).StatusCode);
    }

    public static TheoryData<string, string> BadEvents => new()
    {
        { "{\"eventId\":", "body" },
        { "[]", "event" },
        { Event(e => e.Remove("eventId")), "eventId" },
        { Event(e => e["eventId"] = "has space"), "eventId" },
        { Event(e => e["eventId"] = new string('x', 129)), "eventId" },
        { Event(e => e["eventId"] = 42), "eventId" },
        { Event(e => e["type"] = "poke"), "type" },
        { Event(e => e["type"] = "Like"), "type" },
        { Event(e => e.Remove("type")), "type" },
        { Event(e => e.Remove("userId")), "userId" },
        { Event(e => e["userId"] = "u#1"), "userId" },
        { Event(e => e["userId"] = 1001), "userId" },
        { Event(e => e["ideaId"] = ""), "ideaId" },
        { Event(e => e["threadId"] = "t/1"), "threadId" },
        { Event(e => { e["type"] = "follow"; e["threadId"] = "t-1"; }), "threadId" },
        { Event(e => e.Remove("occurredAt")), "occurredAt" },
        { Event(e => e["occurredAt"] = "yesterday"), "occurredAt" },
        { Event(e => e["occurredAt"] = "2026-11-26T09:30:00"), "occurredAt" },
        { Event(e => e["occurredAt"] = "2026-02-30T09:30:00Z"), "occurredAt" },
        { Event(e => e["occurredAt"] = "1999-12-31T23:59:59Z"), "occurredAt" },
        { Event(e => e["occurredAt"] = "2026-11-26T12:05:01Z"), "occurredAt" },
        { Event(e => e["occurredAt"] = 1764149400), "occurredAt" },
        { Event(e => e["title"] = "only on create"), "title" },
        { Event(e => { e["type"] = "create"; e["title"] = new string('t', 301); }), "title" },
        { Event(e => { e["type"] = "create"; e["tags"] = "one"; }), "tags" },
        { Event(e => { e["type"] = "create"; e["tags"] = new JsonArray(Enumerable.Range(0, 21).Select(n => (JsonNode)$"t{n}").ToArray()); }), "tags" },
        { Event(e => { e["type"] = "create"; e["tags"] = new JsonArray("ok", new string('x', 51)); }), "tags[1]" },
        { Event(e => { e["type"] = "create"; e["tags"] = new JsonArray("ok", 3); }), "tags[1]" },
        { Event(e => e["tags"] = new JsonArray("not on a like")), "tags" },
        { Event(e => e["eventId"] = "PLACEHOLDER").Replace("PLACEHOLDER", "\\ud800"), "eventId" },
        { Event(e => { e["type"] = "create"; e["title"] = "PLACEHOLDER"; }).Replace("PLACEHOLDER", "a\\udc00b"), "title" },
        { Event(e => { e["type"] = "create"; e["tags"] = new JsonArray("PLACEHOLDER"); }).Replace("PLACEHOLDER", "\\ud800"), "tags[0]" },
        { Event(e => e["occurredAt"] = "2026-11-26T09:30:00Z\n"), "occurredAt" },
        { Event(_ => { }).Replace("\"type\":\"like\"", "\"type\":\"like\",\"type\":\"view\""), "type" },
        { Event(e => e["extra"] = Nested(17)), "body" },
    };

    /// <summary>Arrays nested so that an event holding them is <paramref name="levels"/> levels deep.</summary>
    private static JsonNode Nested(int levels)
    {
        JsonNode node = new JsonArray();
        for (var level = 3; level <= levels; level++)
        {
            node = new JsonArray(node);
        }
        return node;
    }

    private static string Event(Action<JsonObject> change)
    {
        var json = new JsonObject
        {
            ["eventId"] = Make.Id("e"),
            ["type"] = "like",
            ["userId"] = Make.Id("u"),
            ["ideaId"] = Make.Id("i"),
            ["occurredAt"] = "2026-11-26T09:30:00Z",
        };
        change(json);
        return json.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task Bad_input_is_a_problem_naming_the_field_and_stores_nothing(string body, string field)
    {
        using var response = await client.PostRawAsync("/v1/events", body);

        await AssertProblem(response, HttpStatusCode.BadRequest, field);
        if (System.Text.RegularExpressions.Regex.Match(body, "\"ideaId\":\"(i-[0-9a-f]+)\"") is { Success: true } idea)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/ideas/{idea.Groups[1].Value}")).StatusCode);
        }
    }

    [Fact]
    public async Task Unknown_fields_are_ignored_and_an_offset_is_the_same_instant()
    {
        var like = Make.Json(Make.Event(Like, Make.Id("u"), Make.Id("i"), Now.AddHours(-1)));
        like["appVersion"] = "7.1";
        await client.PostJsonAsync("/v1/events", like);
        like.Remove("appVersion");
        like["occurredAt"] = "2026-11-26T16:30:00+05:30";

        using var again = await client.PostJsonAsync("/v1/events", like);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("duplicate", (await again.ReadNodeAsync())["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_event_over_32_KiB_is_too_large()
    {
        var body = Event(e => e["padding"] = new string('p', 33 * 1024));

        using var response = await client.PostRawAsync("/v1/events", body);

        await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, "body");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/jsonx")]
    public async Task Only_json_is_taken(string contentType)
    {
        using var response = await client.PostRawAsync("/v1/events", Event(_ => { }), contentType);

        await AssertProblem(response, HttpStatusCode.UnsupportedMediaType, "Content-Type");
    }

    [Fact]
    public async Task A_title_is_measured_in_characters_not_UTF16_units()
    {
        var create = Make.Json(Make.Event(Create, Make.Id("u"), Make.Id("i"), Now, title: string.Concat(Enumerable.Repeat("💡", 300))));

        using var response = await client.PostJsonAsync("/v1/events", create);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task An_id_refused_for_a_thread_conflict_can_be_used_again_with_the_right_idea()
    {
        var (thread, idea) = (Make.Id("t"), Make.Id("i"));
        await client.PostJsonAsync("/v1/events", Make.Json(Make.Event(Create, Make.Id("u"), idea, Now, threadId: thread)));
        var wrong = Make.Event(Comment, Make.Id("u"), Make.Id("i"), Now, threadId: thread);

        using var refused = await client.PostJsonAsync("/v1/events", Make.Json(wrong));
        using var corrected = await client.PostJsonAsync("/v1/events", Make.Json(wrong with { IdeaId = idea }));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, corrected.StatusCode);
        Assert.Equal(1, (await client.GetNodeAsync($"/v1/threads/{thread}"))["counts"]!["comment"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_repeated_id_in_a_batch_shares_the_fate_of_its_first_copy()
    {
        var original = Make.Event(Like, Make.Id("u"), Make.Id("i"), Now);
        await client.PostJsonAsync("/v1/events", Make.Json(original));
        var reuse = Make.Json(original with { Type = View });
        var batch = new JsonObject { ["events"] = new JsonArray(JsonNode.Parse(reuse.ToJson()), JsonNode.Parse(reuse.ToJson())) };

        using var response = await client.PostRawAsync("/v1/events/batch", batch.ToJsonString());

        var body = await response.ReadNodeAsync();
        Assert.Equal((0, 0), (body["accepted"]!.GetValue<int>(), body["duplicates"]!.GetValue<int>()));
        Assert.Equal([0, 1], body["rejected"]!.AsArray().Select(r => r!["index"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Text_that_is_not_valid_Unicode_rejects_only_its_own_event_in_a_batch()
    {
        var good = Make.Json(Make.Event(View, Make.Id("u"), Make.Id("i"), Now));
        var body = "{\"events\":[" + good.ToJson() + ",{\"eventId\":\"\\ud800\",\"type\":\"view\"}]}";

        using var response = await client.PostRawAsync("/v1/events/batch", body);

        var answer = await response.ReadNodeAsync();
        Assert.Equal(1, answer["accepted"]!.GetValue<int>());
        Assert.Equal("eventId", answer["rejected"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_batch_stores_the_valid_events_and_lists_the_rejected_ones()
    {
        var idea = Make.Id("i");
        var valid = Make.Json(Make.Event(View, Make.Id("u"), idea, Now));
        var duplicateOfValid = Make.Json(Make.Event(View, (string)valid["userId"]!, idea, Now, eventId: (string)valid["eventId"]!));
        var batch = new JsonObject
        {
            ["events"] = new JsonArray(
                JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(valid)),
                JsonNode.Parse(Event(e => e["occurredAt"] = "soon")),
                JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(duplicateOfValid)),
                JsonNode.Parse(Event(e => e["padding"] = new string('p', 33 * 1024))),
                JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Make.Json(Make.Event(Comment, Make.Id("u"), idea, Now))))),
        };

        using var response = await client.PostRawAsync("/v1/events/batch", batch.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadNodeAsync();
        Assert.Equal(2, body["accepted"]!.GetValue<int>());
        Assert.Equal(1, body["duplicates"]!.GetValue<int>());
        var rejected = body["rejected"]!.AsArray();
        Assert.Equal([1, 3], rejected.Select(r => r!["index"]!.GetValue<int>()));
        Assert.StartsWith("occurredAt:", rejected[0]!["error"]!.GetValue<string>());
        Assert.NotNull(rejected[0]!["eventId"]);
        var view = await client.GetNodeAsync($"/v1/ideas/{idea}");
        Assert.Equal((1, 1), (view["counts"]!["view"]!.GetValue<int>(), view["counts"]!["comment"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_duplicated_property_names_its_path_with_a_complete_message()
    {
        var body = Event(e => e["extra"] = new JsonObject { ["a"] = 1 }).Replace("{\"a\":1}", "{\"a\":1,\"a\":2}");

        using var response = await client.PostRawAsync("/v1/events", body);

        await AssertProblem(response, HttpStatusCode.BadRequest, "extra.a");
        var problem = await response.ReadNodeAsync();
        Assert.Equal("appears more than once in the same object", problem["errors"]!["extra.a"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Malformed_json_is_located_by_line_and_byte()
    {
        using var response = await client.PostRawAsync("/v1/events", "{\n  \"eventId\": tru }");

        await AssertProblem(response, HttpStatusCode.BadRequest, "body");
        var message = (await response.ReadNodeAsync())["errors"]!["body"]![0]!.GetValue<string>();
        Assert.Matches("^malformed JSON at line 2, byte [0-9]+: .+", message);
    }

    [Fact]
    public async Task An_item_with_a_duplicated_property_or_nested_too_deep_is_rejected_alone_in_a_batch()
    {
        var idea = Make.Id("i");
        var good = Make.Json(Make.Event(View, Make.Id("u"), idea, Now)).ToJson();
        var duplicated = Make.Json(Make.Event(Like, Make.Id("u"), idea, Now)).ToJson().Replace("\"type\":\"like\"", "\"type\":\"like\",\"type\":\"view\"");
        var tooDeep = Event(e => { e["ideaId"] = idea; e["extra"] = Nested(17); });
        var deepest = Event(e => { e["ideaId"] = idea; e["extra"] = Nested(16); });
        var body = $"{{\"events\":[{good},{duplicated},{tooDeep},{deepest}]}}";

        using var response = await client.PostRawAsync("/v1/events/batch", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.ReadNodeAsync();
        Assert.Equal(2, answer["accepted"]!.GetValue<int>());
        var rejected = answer["rejected"]!.AsArray();
        Assert.Equal([(1, "type"), (2, "event")], rejected.Select(r => (r!["index"]!.GetValue<int>(), r["field"]!.GetValue<string>())));
        Assert.All(rejected, r => Assert.NotNull(r!["eventId"]));
        var counts = (await client.GetNodeAsync($"/v1/ideas/{idea}"))["counts"]!;
        Assert.Equal((1, 1), (counts["view"]!.GetValue<int>(), counts["like"]!.GetValue<int>()));
    }

    [Fact]
    public async Task The_nesting_limit_is_the_same_alone_and_in_a_batch()
    {
        var deepest = Event(e => e["extra"] = Nested(16));
        var tooDeep = Event(e => e["extra"] = Nested(17));

        using var alone = await client.PostRawAsync("/v1/events", deepest);
        using var tooDeepAlone = await client.PostRawAsync("/v1/events", tooDeep);
        using var batch = await client.PostRawAsync("/v1/events/batch", $"{{\"events\":[{deepest},{tooDeep}]}}");

        Assert.Equal(HttpStatusCode.Accepted, alone.StatusCode);
        await AssertProblem(tooDeepAlone, HttpStatusCode.BadRequest, "body");
        var answer = await batch.ReadNodeAsync();
        Assert.Equal((0, 1), (answer["accepted"]!.GetValue<int>(), answer["duplicates"]!.GetValue<int>()));
        Assert.Equal(1, answer["rejected"]![0]!["index"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_item_nested_100000_levels_deep_is_rejected_alone_without_being_built_as_a_document()
    {
        var idea = Make.Id("i");
        var good = Make.Json(Make.Event(View, Make.Id("u"), idea, Now)).ToJson();
        var deep = new string('[', 100_000) + new string(']', 100_000);

        using var batch = await client.PostRawAsync("/v1/events/batch", $"{{\"events\":[{good},{deep}]}}");
        using var single = await client.PostRawAsync("/v1/events", Event(e => e["ideaId"] = idea)[..^1] + ",\"extra\":" + deep[..15_000] + deep[^15_000..] + "}");

        var answer = await batch.ReadNodeAsync();
        Assert.Equal(1, answer["accepted"]!.GetValue<int>());
        Assert.Equal((1, "event"), (answer["rejected"]![0]!["index"]!.GetValue<int>(), answer["rejected"]![0]!["field"]!.GetValue<string>()));
        await AssertProblem(single, HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task A_batch_with_two_events_arrays_is_refused_whole()
    {
        using var response = await client.PostRawAsync("/v1/events/batch", "{\"events\":[],\"events\":[]}");

        await AssertProblem(response, HttpStatusCode.BadRequest, "events");
    }

    [Fact]
    public async Task A_batch_of_more_than_1000_events_is_too_large()
    {
        var events = new JsonArray(Enumerable.Range(0, 1001).Select(_ => (JsonNode)new JsonObject()).ToArray());

        using var response = await client.PostRawAsync("/v1/events/batch", new JsonObject { ["events"] = events }.ToJsonString());

        await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, "events");
    }

    [Fact]
    public async Task A_batch_over_1_MiB_is_too_large()
    {
        var body = "{\"events\":[],\"padding\":\"" + new string('p', 1024 * 1024) + "\"}";

        using var response = await client.PostRawAsync("/v1/events/batch", body);

        await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, "body");
    }

    [Fact]
    public async Task A_batch_needs_an_events_array()
    {
        using var response = await client.PostRawAsync("/v1/events/batch", "{\"event\":[]}");

        await AssertProblem(response, HttpStatusCode.BadRequest, "events");
    }

    [Fact]
    public async Task Out_of_order_delivery_gives_the_state_of_the_true_order()
    {
        var (owner, fan, idea) = (Make.Id("u"), Make.Id("u"), Make.Id("i"));
        // Arrival order: the unfollow (latest), the comment, then the create (earliest), then the follow.
        var events = new[]
        {
            Make.Event(Unfollow, fan, idea, Now.AddMinutes(-1)),
            Make.Event(Comment, fan, idea, Now.AddMinutes(-5)),
            Make.Event(Create, owner, idea, Now.AddHours(-1), title: "Solar roofs", tags: ["energy"]),
            Make.Event(Follow, fan, idea, Now.AddMinutes(-10)),
        };
        foreach (var e in events)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/v1/events", Make.Json(e))).StatusCode);
        }

        var view = await client.GetNodeAsync($"/v1/ideas/{idea}");
        var followers = await client.GetNodeAsync($"/v1/ideas/{idea}/followers");

        Assert.Equal(owner, view["ownerId"]!.GetValue<string>());
        Assert.Equal("Solar roofs", view["title"]!.GetValue<string>());
        Assert.Equal("2026-11-26T11:00:00+00:00", view["createdAt"]!.GetValue<string>());
        Assert.Equal(1, view["followers"]!.GetValue<int>());
        Assert.Equal([owner], followers["items"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(0, (await client.GetNodeAsync($"/v1/users/{fan}"))["following"]!.GetValue<int>());
    }

    internal static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.True(problem["errors"]?[field] is not null, $"the problem should name '{field}': {text}");
    }
}

public class EmbeddedEventsApiTests(ApiFactory factory) : EventsApiTests(factory), IClassFixture<ApiFactory>;

[Collection(ClusterCollection.Name)]
public class ClusterEventsApiTests(ClusterApiFactory factory) : EventsApiTests(factory), IClassFixture<ClusterApiFactory>;
