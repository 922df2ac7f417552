using System.Net;
using System.Text.Json.Nodes;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Api;

/// <summary>
/// Runs against the embedded default and against cluster mode (the two classes at the end). Reads that depend on
/// "now" move the factory's clock, so this class has an application of its own.
/// </summary>
public abstract class ReadsApiTests(ApiFactory factory)
{
    private readonly HttpClient client = factory.CreateClient();

    private async Task PostAsync(params Collaboration.Events.Interaction[] events)
    {
        var batch = new JsonObject { ["events"] = new JsonArray(events.Select(e => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Make.Json(e)))).ToArray()) };
        using var response = await client.PostRawAsync("/v1/events/batch", batch.ToJsonString());
        var body = await response.ReadNodeAsync();
        Assert.True(body["rejected"]!.AsArray().Count == 0, body.ToJsonString());
    }

    [Fact]
    public async Task A_user_read_has_windowed_counts_totals_tier_and_activity_bounds()
    {
        var (user, now) = (Make.Id("u"), factory.Clock.GetUtcNow());
        await PostAsync(
            Make.Event(Create, user, Make.Id("i"), now.AddDays(-40)),
            Make.Event(Like, user, Make.Id("i"), now.AddDays(-20)),
            Make.Event(View, user, Make.Id("i"), now.AddDays(-3)));

        var week = await client.GetNodeAsync($"/v1/users/{user}?window=7d");
        var month = await client.GetNodeAsync($"/v1/users/{user}");
        var all = await client.GetNodeAsync($"/v1/users/{user}?window=all");

        Assert.Equal(("audience", "7d"), (week["tier"]!.GetValue<string>(), week["window"]!.GetValue<string>()));
        Assert.Equal(("editor", "28d"), (month["tier"]!.GetValue<string>(), month["window"]!.GetValue<string>()));
        Assert.Equal("creator", all["tier"]!.GetValue<string>());
        Assert.Equal((0, 1, 1), (month["counts"]!["create"]!.GetValue<int>(), month["counts"]!["like"]!.GetValue<int>(), month["counts"]!["view"]!.GetValue<int>()));
        Assert.Equal(1, month["totals"]!["create"]!.GetValue<int>());
        Assert.Equal(now.AddDays(-40), month["firstActiveAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(now.AddDays(-3), month["lastActiveAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(1, month["following"]!.GetValue<int>());
        Assert.False(month["registered"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Tiers_decay_as_time_passes_without_new_events()
    {
        var user = Make.Id("u");
        await PostAsync(Make.Event(Create, user, Make.Id("i"), factory.Clock.GetUtcNow()));
        Assert.Equal("creator", (await client.GetNodeAsync($"/v1/users/{user}?window=7d"))["tier"]!.GetValue<string>());

        factory.Clock.Advance(TimeSpan.FromDays(7));

        var later = await client.GetNodeAsync($"/v1/users/{user}?window=7d");
        Assert.Equal("inactive", later["tier"]!.GetValue<string>());
        Assert.Equal(1, later["totals"]!["create"]!.GetValue<int>());
        Assert.Equal("creator", (await client.GetNodeAsync($"/v1/users/{user}?window=28d"))["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task Followers_page_through_in_stable_order_with_cursors()
    {
        var idea = Make.Id("i");
        var followers = Enumerable.Range(0, 250).Select(n => $"f{n:D3}-{Guid.NewGuid():N}").ToArray();
        foreach (var chunk in followers.Chunk(100))
        {
            await PostAsync(chunk.Select(f => Make.Event(Follow, f, idea, Make.Noon)).ToArray());
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await client.GetNodeAsync($"/v1/ideas/{idea}/followers?limit=100" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page["items"]!.AsArray().Select(n => n!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(followers.Order(StringComparer.Ordinal), seen);
        Assert.Equal(250, (await client.GetNodeAsync($"/v1/ideas/{idea}"))["followers"]!.GetValue<int>());
    }

    [Fact]
    public async Task Following_pages_list_the_ideas_a_user_follows()
    {
        var user = Make.Id("u");
        var ideas = new[] { "idea-b", "idea-a", "idea-c" }.Select(i => i + Guid.NewGuid().ToString("N")).ToArray();
        await PostAsync(ideas.Select(i => Make.Event(Follow, user, i, Make.Noon)).Append(Make.Event(Unfollow, user, ideas[2], Make.Noon.AddSeconds(1))).ToArray());

        var first = await client.GetNodeAsync($"/v1/users/{user}/following?limit=1");
        var second = await client.GetNodeAsync($"/v1/users/{user}/following?limit=1&cursor={first["nextCursor"]}");

        Assert.Equal([ideas[1]], first["items"]!.AsArray().Select(n => n!["ideaId"]!.GetValue<string>()));
        Assert.Equal([ideas[0]], second["items"]!.AsArray().Select(n => n!["ideaId"]!.GetValue<string>()));
        Assert.Null(second["nextCursor"]);
        // Each with when it was followed, the idea's latest event and when the user last saw it (here the follow).
        var item = second["items"]![0]!;
        Assert.Equal((Make.Noon, Make.Noon, Make.Noon), (item["followedAt"]!.GetValue<DateTimeOffset>(), item["lastActivityAt"]!.GetValue<DateTimeOffset>(),
            item["lastSeenAt"]!.GetValue<DateTimeOffset>()));
    }

    [Theory]
    [InlineData("/v1/ideas/{idea}/followers?limit=0", "limit")]
    [InlineData("/v1/ideas/{idea}/followers?limit=1001", "limit")]
    [InlineData("/v1/ideas/{idea}/followers?limit=ten", "limit")]
    [InlineData("/v1/ideas/{idea}/followers?cursor=***", "cursor")]
    [InlineData("/v1/users/{user}?window=1y", "window")]
    [InlineData("/v1/users/bad%23id", "userId")]
    [InlineData("/v1/ideas/bad%23id", "ideaId")]
    [InlineData("/v1/threads/bad%23id", "threadId")]
    public async Task Bad_read_parameters_are_problems_naming_them(string path, string field)
    {
        var (user, idea) = (Make.Id("u"), Make.Id("i"));
        await PostAsync(Make.Event(Follow, user, idea, Make.Noon));

        using var response = await client.GetAsync(path.Replace("{idea}", idea).Replace("{user}", user));

        await EventsApiTests.AssertProblem(response, HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("/v1/users/nobody-{id}")]
    [InlineData("/v1/users/nobody-{id}/following")]
    [InlineData("/v1/ideas/nothing-{id}")]
    [InlineData("/v1/ideas/nothing-{id}/followers")]
    [InlineData("/v1/threads/nothing-{id}")]
    public async Task Unknown_ids_are_not_found(string path)
    {
        using var response = await client.GetAsync(path.Replace("{id}", Guid.NewGuid().ToString("N")));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_thread_read_has_its_idea_author_counts_and_participants()
    {
        var (thread, idea, author, reader) = (Make.Id("t"), Make.Id("i"), Make.Id("u"), Make.Id("u"));
        await PostAsync(
            Make.Event(View, reader, idea, Make.Noon, threadId: thread),
            Make.Event(Create, author, idea, Make.Noon.AddMinutes(-5), threadId: thread),
            Make.Event(Comment, reader, idea, Make.Noon, threadId: thread));

        var view = await client.GetNodeAsync($"/v1/threads/{thread}");
        var ideaView = await client.GetNodeAsync($"/v1/ideas/{idea}");

        Assert.Equal((idea, author), (view["ideaId"]!.GetValue<string>(), view["authorId"]!.GetValue<string>()));
        Assert.Equal(Make.Noon.AddMinutes(-5), view["createdAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal((1, 1, 0), (view["participants"]!["creators"]!.GetValue<int>(), view["participants"]!["editors"]!.GetValue<int>(), view["participants"]!["audience"]!.GetValue<int>()));
        Assert.Equal(1, ideaView["threads"]!.GetValue<int>());
        Assert.Null(ideaView["ownerId"]?.GetValue<string>());
        Assert.Equal(3, ideaView["counts"]!["create"]!.GetValue<int>() + ideaView["counts"]!["comment"]!.GetValue<int>() + ideaView["counts"]!["view"]!.GetValue<int>());
    }
}

public class EmbeddedReadsApiTests(ApiFactory factory) : ReadsApiTests(factory), IClassFixture<ApiFactory>;

[Collection(ClusterCollection.Name)]
public class ClusterReadsApiTests(ClusterApiFactory factory) : ReadsApiTests(factory), IClassFixture<ClusterApiFactory>;
