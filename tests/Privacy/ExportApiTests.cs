using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Collaboration.Events;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Privacy;

/// <summary>GET /v1/users/{userId}/export against an independent fold of what was posted for the person.</summary>
public sealed class ExportApiTests : IAsyncLifetime
{
    private readonly ApiFactory factory = new();
    private HttpClient client = null!;

    public Task InitializeAsync()
    {
        client = factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task The_export_holds_every_event_profile_change_follow_and_window_of_the_person_and_nothing_of_others()
    {
        var (person, other) = (Make.Id("u"), Make.Id("u"));
        var (ideaX, ideaY, ideaZ, thread) = (Make.Id("i"), Make.Id("i"), Make.Id("i"), Make.Id("t"));
        var now = Make.Noon;
        Interaction[] posted =
        [
            Make.Event(Create, person, ideaX, now.AddDays(-20), title: "Heat pumps", tags: ["energy", "buildings"]),
            Make.Event(Comment, person, ideaY, now.AddDays(-10), threadId: thread),
            Make.Event(Like, person, ideaY, now.AddDays(-40)),
            Make.Event(View, person, ideaZ, now.AddDays(-100)),
            Make.Event(Follow, person, ideaY, now.AddDays(-5)),
            Make.Event(Unfollow, person, ideaY, now.AddDays(-4)),
            Make.Event(Follow, person, ideaZ, now.AddDays(-3)),
        ];
        await PutAsync(person, """{"displayName":"First Name","country":"FI"}""");
        await PostAsync([.. posted, Make.Event(Comment, other, ideaX, now.AddDays(-1)), posted[1]]);
        await PutAsync(person, """{"displayName":"Second Name","country":"SE","function":"Sales"}""");

        var export = await client.GetNodeAsync($"/v1/users/{person}/export");

        Assert.Equal(person, export["userId"]!.GetValue<string>());
        Assert.Equal(("Second Name", "SE", "Sales"),
            (export["profile"]!["displayName"]!.GetValue<string>(), export["profile"]!["country"]!.GetValue<string>(), export["profile"]!["function"]!.GetValue<string>()));
        Assert.Equal(["First Name", "Second Name"], export["profileChanges"]!.AsArray().Select(c => c!["profile"]!["displayName"]!.GetValue<string>()));
        var expectedEvents = posted.OrderBy(e => e.OccurredAt).Select(e => JsonNode.Parse(Make.Json(e).ToJson())!).ToList();
        var events = export["events"]!.AsArray();
        Assert.Equal(expectedEvents.Count, events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            foreach (var (field, value) in expectedEvents[i].AsObject())
            {
                Assert.True(Same(value, events[i]![field]), $"event {i} field {field}: posted {value?.ToJsonString()}, exported {events[i]![field]?.ToJsonString()}");
            }
        }
        // README: a create without a thread follows the idea too; the latest follow decision per idea wins.
        var following = posted.Where(e => e.Type is Follow or Unfollow || (e.Type == Create && e.ThreadId is null))
            .GroupBy(e => e.IdeaId).Where(g => g.MaxBy(e => e.OccurredAt)!.Type != Unfollow).Select(g => g.Key).Order(StringComparer.Ordinal);
        Assert.Equal(following, export["following"]!.AsArray().Select(id => id!.GetValue<string>()));
        var windows = export["windows"]!.AsArray().ToDictionary(w => w!["window"]!.GetValue<string>());
        foreach (var (name, days) in new[] { ("7d", 7), ("28d", 28), ("90d", 90), ("all", 0) })
        {
            var inWindow = posted.Where(e => days == 0 || e.OccurredAt > now.AddDays(-days)).ToList();
            Assert.Equal(Tier(inWindow), windows[name]!["tier"]!.GetValue<string>());
            foreach (var type in Enum.GetValues<InteractionType>())
            {
                Assert.Equal(inWindow.Count(e => e.Type == type), windows[name]!["counts"]![type.ToWireName()]!.GetValue<long>());
            }
        }
        Assert.DoesNotContain(other, export.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_person_has_no_export()
    {
        using var response = await client.GetAsync($"/v1/users/{Make.Id("u")}/export");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull((await response.ReadNodeAsync())["errors"]!["userId"]);
    }

    /// <summary>The highest level among the events: the README's tier rule, folded here independently.</summary>
    private static string Tier(IReadOnlyCollection<Interaction> events) =>
        events.Any(e => e.Type == Create) ? "creator"
        : events.Any(e => e.Type is Comment or Like or Edit or Share) ? "editor"
        : events.Count > 0 ? "audience"
        : "inactive";

    private static bool Same(JsonNode? posted, JsonNode? exported) => posted is JsonValue value && value.TryGetValue<string>(out var text)
        && DateTimeOffset.TryParse(text, out var instant) && text.Contains('T')
            ? exported is not null && DateTimeOffset.Parse(exported.GetValue<string>()) == instant
            : JsonNode.DeepEquals(posted, exported);

    private async Task PutAsync(string userId, string json)
    {
        using var response = await client.PutAsync("/v1/users/" + userId, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task PostAsync(Interaction[] events)
    {
        var batch = new JsonObject { ["events"] = new JsonArray([.. events.Select(e => JsonNode.Parse(Make.Json(e).ToJson()))]) };
        using var response = await client.PostRawAsync("/v1/events/batch", batch.ToJsonString());
        var body = await response.ReadNodeAsync();
        Assert.True(response.IsSuccessStatusCode && body["rejected"]!.AsArray().Count == 0, body.ToJsonString());
    }
}
