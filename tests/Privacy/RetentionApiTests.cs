using System.Net;
using System.Text.Json.Nodes;
using Collaboration.Events;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Privacy;

/// <summary>
/// Retention on the embedded service (Journal:RetentionDays=200): a store whose events span more than that, a sweep
/// while events keep arriving, and every answer for the 7, 28 and 90-day windows (and the funnel's previous windows)
/// the same before the sweep, after it, and after rebuilding everything from what is left.
/// </summary>
public sealed class RetentionApiTests : IAsyncLifetime
{
    private const int RetentionDays = 200;

    // Reads end at the api's clock (Make.Noon); the sweep measures age from the silo's clock, when rows were stored.
    private static readonly DateTimeOffset Now = Make.Noon;
    private readonly ApiFactory factory = ApiFactory.With(new Dictionary<string, string> { ["Journal:RetentionDays"] = RetentionDays.ToString() });
    private readonly string owner = Make.Id("u"), fan = Make.Id("u"), reader = Make.Id("u"), idea = Make.Id("i"), other = Make.Id("i");
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
    public async Task Old_rows_go_except_those_of_current_state_and_every_windowed_answer_stays_while_ingestion_goes_on()
    {
        var storedLongAgo = DateTimeOffset.UtcNow.AddDays(-300);
        var old = Now.AddDays(-300);
        Interaction[] keepers = [Make.Event(Create, owner, idea, old, title: "Heat pumps"), Make.Event(Follow, fan, idea, old.AddDays(2))];
        Interaction[] expiring =
        [
            Make.Event(View, reader, idea, old.AddDays(1)), Make.Event(Comment, fan, idea, old.AddDays(1)),
            Make.Event(Like, reader, idea, old.AddDays(3)), Make.Event(Follow, reader, other, old.AddDays(3)), Make.Event(Unfollow, reader, other, old.AddDays(4)),
        ];
        foreach (var e in keepers.Concat(expiring))
        {
            JournalRows.Append(factory.DataDirectory, e, storedLongAgo);
        }
        await PostAsync(
        [
            Make.Event(Create, reader, other, Now.AddDays(-80), title: "Rain gardens"),
            Make.Event(Comment, fan, idea, Now.AddDays(-20)), Make.Event(Like, reader, idea, Now.AddDays(-5)),
            Make.Event(View, owner, other, Now.AddDays(-2)), Make.Event(Comment, owner, other, Now.AddDays(-100)),
            Make.Event(Like, fan, other, Now.AddDays(-150)), Make.Event(Follow, owner, other, Now.AddDays(-1)),
        ]);
        var before = await WindowedAnswersAsync();
        // The old rows are folded: the reader's one old view counts all time.
        Assert.Equal(1, (await client.GetNodeAsync($"/v1/users/{reader}?window=all"))["totals"]!["view"]!.GetValue<long>());

        // Ingestion goes on during the sweep, with events outside every window (and the funnel's previous ones).
        string[] users = [owner, fan, reader];
        var posting = Task.WhenAll(Enumerable.Range(0, 10).Select(n => PostAsync([Make.Event(View, users[n % 3], idea, Now.AddDays(-185 - n))])));
        using var swept = await client.PostAsync("/v1/admin/retention/sweep", null);
        await posting;
        var report = await swept.ReadNodeAsync();

        Assert.Equal(HttpStatusCode.OK, swept.StatusCode);
        Assert.Equal((5, 2), (report["eventsDeleted"]!.GetValue<int>(), report["eventsKept"]!.GetValue<int>()));
        Assert.Equal(keepers.Select(e => e.EventId).Order(StringComparer.Ordinal),
            JournalRows.StoredBefore(factory.DataDirectory, DateTimeOffset.UtcNow.AddDays(-RetentionDays)));
        Assert.Equal(before, await WindowedAnswersAsync());
        foreach (var path in new[] { "read-model", "users/" + owner, "users/" + fan, "users/" + reader, "ideas/" + idea, "ideas/" + other })
        {
            using var rebuilt = await client.PostAsync("/v1/admin/rebuild/" + path, null);
            Assert.True(rebuilt.IsSuccessStatusCode, await rebuilt.Content.ReadAsStringAsync());
        }
        Assert.Equal(before, await WindowedAnswersAsync());
        // All time is what is left: the old view went, the reader's three views posted during the sweep are there.
        Assert.Equal(3, (await client.GetNodeAsync($"/v1/users/{reader}?window=all"))["totals"]!["view"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_event_dated_before_the_retention_is_refused_naming_occurredAt()
    {
        using var single = await client.PostRawAsync("/v1/events", Make.Json(Make.Event(View, reader, idea, Now.AddDays(-RetentionDays - 1))).ToJson());
        using var kept = await client.PostRawAsync("/v1/events", Make.Json(Make.Event(View, reader, idea, Now.AddDays(-RetentionDays + 1))).ToJson());

        Assert.Equal(HttpStatusCode.BadRequest, single.StatusCode);
        Assert.Contains("200 days", (await single.ReadNodeAsync())["errors"]!["occurredAt"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, kept.StatusCode);
    }

    /// <summary>Every answer over a 7, 28 or 90-day window, the funnels, who follows what, and the users' windowed views.</summary>
    private async Task<string> WindowedAnswersAsync()
    {
        var paths = new List<string>();
        foreach (var window in new[] { "7d", "28d", "90d" })
        {
            paths.AddRange([$"/v1/stats/participation?window={window}", $"/v1/stats/participation?window={window}&by=country",
                $"/v1/stats/ties?window={window}", $"/v1/stats/funnel?window={window}"]);
            paths.AddRange(new[] { owner, fan, reader }.Select(user => $"/v1/users/{user}?window={window}"));
        }
        paths.AddRange([$"/v1/ideas/{idea}/followers", $"/v1/ideas/{other}/followers", $"/v1/users/{fan}/following", $"/v1/users/{reader}/following"]);
        var answers = new List<string>();
        foreach (var path in paths)
        {
            var answer = await client.GetNodeAsync(path);
            // All-time totals and first activity count what is left (and what arrived); they are not windowed answers.
            answer.AsObject().Remove("totals");
            answer.AsObject().Remove("firstActiveAt");
            answers.Add($"{path} {answer.ToJsonString()}");
        }
        return string.Join("\n", answers);
    }

    private async Task PostAsync(Interaction[] events)
    {
        var batch = new JsonObject { ["events"] = new JsonArray([.. events.Select(e => JsonNode.Parse(Make.Json(e).ToJson()))]) };
        using var response = await client.PostRawAsync("/v1/events/batch", batch.ToJsonString());
        var body = await response.ReadNodeAsync();
        Assert.True(response.IsSuccessStatusCode && body["rejected"]!.AsArray().Count == 0, body.ToJsonString());
    }
}
