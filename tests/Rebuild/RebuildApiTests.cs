using System.Net;
using System.Text.Json.Nodes;
using Collaboration.Events;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Rebuild;

/// <summary>
/// The rebuild endpoints on the embedded service (keyless, so this machine may call them; the scope is checked with
/// every other endpoint in AccessTests). Each test has its own service: the read model counts everything stored.
/// </summary>
public sealed class RebuildApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = Make.Noon.AddHours(-2);
    private readonly ApiFactory factory = new();
    private readonly string user = Make.Id("u"), other = Make.Id("u"), idea = Make.Id("i"), thread = Make.Id("t");
    private HttpClient client = null!;
    private Interaction view = null!, create = null!;

    public async Task InitializeAsync()
    {
        client = factory.CreateClient();
        view = Make.Event(View, other, idea, At.AddMinutes(30));
        create = Make.Event(Create, user, idea, At, title: "Solar roofs", tags: ["energy"]);
        await PostAsync(
            [
                create,
                Make.Event(Comment, other, idea, At.AddMinutes(1), threadId: thread),
                .. Enumerable.Range(0, 6).Select(n => Make.Event(Like, other, idea, At.AddMinutes(2 + n), threadId: thread)),
                Make.Event(Follow, other, idea, At.AddMinutes(10)),
                view,
            ]);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task Rebuilding_a_healthy_service_changes_nothing_and_every_answer_stays_the_same()
    {
        var before = await AnswersAsync();

        var reports = new List<JsonNode>();
        foreach (var path in new[] { "read-model", "users/" + user, "users/" + other, "ideas/" + idea, "threads/" + thread })
        {
            reports.Add(await RebuildAsync(path, HttpStatusCode.OK));
        }

        Assert.All(reports, report => Assert.False(report["changed"]!.GetValue<bool>(), report.ToJsonString()));
        Assert.Equal([10L, 1L, 9L, 10L, 7L], reports.Select(r => r["eventsFolded"]!.GetValue<long>()));
        Assert.Equal(["read-model", "user/" + user, "user/" + other, "idea/" + idea, "thread/" + thread], reports.Select(r => r["target"]!.GetValue<string>()));
        Assert.All(reports, report => Assert.Empty(report["changes"]!.AsArray()));
        Assert.Equal(before, await AnswersAsync());
    }

    [Fact]
    public async Task A_user_rebuild_after_a_folded_row_was_rewritten_behind_its_back_reports_the_change_and_then_answers_from_it()
    {
        Assert.Equal(0, (await client.GetNodeAsync($"/v1/users/{user}?window=all"))["totals"]!["comment"]!.GetValue<long>());
        // The user grain has folded the create; the journal now says that event was a comment.
        JournalRows.Rewrite(factory.DataDirectory, create with { Type = Comment, Title = null, Tags = null });

        var report = await RebuildAsync("users/" + user, HttpStatusCode.OK);

        Assert.True(report["changed"]!.GetValue<bool>());
        Assert.Equal(1, report["eventsFolded"]!.GetValue<long>());
        var changes = report["changes"]!.AsArray().Select(c => $"{c!["name"]} {c["before"]} -> {c["after"]}").ToList();
        Assert.Contains("totals.create 1 -> 0", changes);
        Assert.Contains("totals.comment 0 -> 1", changes);
        Assert.Equal(1, (await client.GetNodeAsync($"/v1/users/{user}?window=all"))["totals"]!["comment"]!.GetValue<long>());
        Assert.False((await RebuildAsync("users/" + user, HttpStatusCode.OK))["changed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_read_model_rebuild_after_a_stored_event_was_rewritten_reports_the_change_and_then_answers_from_it()
    {
        Assert.Equal(1, (await client.GetNodeAsync("/v1/stats/participation?window=all"))["creators"]!.GetValue<long>());
        // The read model has folded the view; the journal now says that event was a create (of a thread), as a bad
        // migration might leave it.
        JournalRows.Rewrite(factory.DataDirectory, view with { Type = Create, ThreadId = Make.Id("t") });

        var report = await RebuildAsync("read-model", HttpStatusCode.OK);

        Assert.True(report["changed"]!.GetValue<bool>(), report.ToJsonString());
        var changes = report["changes"]!.AsArray().Select(c => $"{c!["name"]} {c["before"]} -> {c["after"]}").ToList();
        Assert.Contains("participation.all.creators 1 -> 2", changes);
        Assert.Equal(2, (await client.GetNodeAsync("/v1/stats/participation?window=all"))["creators"]!.GetValue<long>());
        Assert.False((await RebuildAsync("read-model", HttpStatusCode.OK))["changed"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("users")]
    [InlineData("ideas")]
    [InlineData("threads")]
    public async Task An_id_with_no_stream_is_404_and_a_malformed_one_400_naming_the_path_value(string kind)
    {
        var field = kind[..^1] + "Id";

        var unknown = await RebuildAsync($"{kind}/nobody-{Guid.NewGuid():N}", HttpStatusCode.NotFound);
        var malformed = await RebuildAsync($"{kind}/a%20b", HttpStatusCode.BadRequest);

        Assert.NotNull(unknown["errors"]![field]);
        Assert.NotNull(malformed["errors"]![field]);
    }

    private async Task PostAsync(Interaction[] events)
    {
        var batch = new JsonObject { ["events"] = new JsonArray([.. events.Select(e => JsonNode.Parse(Make.Json(e).ToJson()))]) };
        using var response = await client.PostRawAsync("/v1/events/batch", batch.ToJsonString());
        var body = await response.ReadNodeAsync();
        Assert.True(response.IsSuccessStatusCode && body["rejected"]!.AsArray().Count == 0, body.ToJsonString());
    }

    private async Task<JsonNode> RebuildAsync(string path, HttpStatusCode status)
    {
        using var response = await client.PostAsync("/v1/admin/rebuild/" + path, null);
        var body = await response.ReadNodeAsync();
        Assert.True(status == response.StatusCode, $"{path}: {(int)response.StatusCode} {body.ToJsonString()}");
        if (status != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        return body;
    }

    /// <summary>What the reads answer about everything posted, as one text to compare.</summary>
    private async Task<string> AnswersAsync()
    {
        var paths = new[]
        {
            $"/v1/users/{user}?window=all", $"/v1/users/{other}?window=all", $"/v1/users/{other}/following",
            $"/v1/ideas/{idea}?window=all", $"/v1/ideas/{idea}/followers", $"/v1/threads/{thread}",
            "/v1/stats/participation?window=all&by=country", "/v1/stats/participation?window=7d", "/v1/stats/ties?window=all",
            "/v1/stats/ideas/top?window=all", "/v1/stats/participation/daily?days=7",
        };
        var answers = new List<string>();
        foreach (var path in paths)
        {
            answers.Add(path + " " + (await client.GetNodeAsync(path)).ToJsonString());
        }
        return string.Join("\n", answers);
    }
}
