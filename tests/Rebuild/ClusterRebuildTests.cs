using System.Net;
using System.Text.Json.Nodes;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Rebuild;

/// <summary>
/// Rebuilds in Cluster mode: two silos on PostgreSQL, whose feed cursors carry pending transactions, and the api as
/// their gateway client, so the reports cross the wire between processes' worth of Orleans.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterRebuildTests(ClusterApiFactory factory) : IClassFixture<ClusterApiFactory>
{
    [Fact]
    public async Task On_a_healthy_cluster_every_rebuild_changes_nothing()
    {
        using var client = factory.CreateClient();
        var (user, idea, thread) = (Make.Id("u"), Make.Id("i"), Make.Id("t"));
        var at = factory.Clock.GetUtcNow().AddHours(-1);
        var events = new[]
        {
            Make.Event(Create, user, idea, at),
            Make.Event(Comment, user, idea, at.AddMinutes(1), threadId: thread),
            Make.Event(Like, Make.Id("u"), idea, at.AddMinutes(2), threadId: thread),
        };
        var batch = new JsonObject { ["events"] = new JsonArray([.. events.Select(e => JsonNode.Parse(Make.Json(e).ToJson()))]) };
        using (var posted = await client.PostRawAsync("/v1/events/batch", batch.ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }
        var before = (await client.GetNodeAsync("/v1/stats/participation?window=all")).ToJsonString();

        var reports = new List<JsonNode>();
        foreach (var path in new[] { "read-model", "users/" + user, "ideas/" + idea, "threads/" + thread })
        {
            using var response = await client.PostAsync("/v1/admin/rebuild/" + path, null);
            var body = await response.ReadNodeAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body.ToJsonString()}");
            reports.Add(body);
        }

        Assert.All(reports, report => Assert.False(report["changed"]!.GetValue<bool>(), report.ToJsonString()));
        Assert.True(reports[0]["eventsFolded"]!.GetValue<long>() >= 3);
        Assert.Equal([2L, 3L, 2L], reports.Skip(1).Select(r => r["eventsFolded"]!.GetValue<long>()));
        Assert.Equal(before, (await client.GetNodeAsync("/v1/stats/participation?window=all")).ToJsonString());
    }
}
