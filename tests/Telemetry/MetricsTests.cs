using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Collaboration.Security;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Telemetry;

/// <summary>The Prometheus scrape of the embedded service after a known workload, and who may read it.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class MetricsTests
{
    [Fact]
    public async Task The_scrape_counts_exactly_the_accepted_duplicate_conflicting_and_rejected_events()
    {
        await using var factory = new ApiFactory();
        var client = factory.CreateClient();
        var before = await ScrapeAsync(client);

        var likes = Enumerable.Range(0, 5).Select(_ => Make.Json(Make.Event(Like, Make.Id("u"), Make.Id("i"), Make.Noon))).ToList();
        foreach (var like in likes)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/v1/events", like)).StatusCode);
        }
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/events", likes[i])).StatusCode);
        }
        var reuse = Make.Event(Comment, Make.Id("u"), Make.Id("i"), Make.Noon, eventId: (string)likes[0]["eventId"]!);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostJsonAsync("/v1/events", Make.Json(reuse))).StatusCode);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostRawAsync("/v1/events", "{\"eventId\":")).StatusCode);
        }

        var after = await ScrapeAsync(client);
        Assert.Equal(5, Delta("collaboration_events_total", "type=\"like\"", "outcome=\"accepted\""));
        Assert.Equal(3, Delta("collaboration_events_total", "type=\"like\"", "outcome=\"duplicate\""));
        Assert.Equal(1, Delta("collaboration_events_total", "type=\"comment\"", "outcome=\"conflict\""));
        Assert.Equal(2, Delta("collaboration_events_total", "type=\"unknown\"", "outcome=\"rejected\""));
        Assert.True(Delta("collaboration_journal_commit_duration_seconds_count", "store=\"sqlite\"") > 0);
        Assert.Contains("orleans_", after);

        double Delta(string name, params string[] labels) => Value(after, name, labels) - Value(before, name, labels);
    }

    [Fact]
    public async Task The_scrape_carries_the_read_model_lag_and_the_delay_of_each_event_it_folded()
    {
        await using var factory = new ApiFactory();
        var client = factory.CreateClient();
        // A stats read catches the read model up with everything committed: the first one starts it.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/stats/participation")).StatusCode);
        var before = await ScrapeAsync(client);
        var like = Make.Event(Like, Make.Id("u"), Make.Id("i"), Make.Noon);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/v1/events", Make.Json(like))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/stats/participation")).StatusCode);

        var after = await ScrapeAsync(client);
        Assert.Contains("\ncollaboration_read_model_lag_seconds{", after);
        Assert.Contains("\ncollaboration_read_model_lag_positions{", after);
        Assert.True(Value(after, "collaboration_read_model_lag_seconds", []) >= 0);
        Assert.Equal(0, Value(after, "collaboration_read_model_lag_positions", []));
        // The like is in its actor's stream, which the read model folds.
        var folded = Value(after, "collaboration_read_model_delay_seconds_count", []) - Value(before, "collaboration_read_model_delay_seconds_count", []);
        Assert.True(folded >= 1, $"{folded} delays recorded");
        Assert.True(Value(after, "collaboration_read_model_delay_seconds_sum", []) >= 0);
    }

    [Fact]
    public async Task With_keys_the_scrape_needs_the_admin_scope()
    {
        await using var factory = new ApiFactory();
        var settings = new Dictionary<string, string> { ["COLLAB_DATA_DIR"] = factory.DataDirectory };
        var reader = await KeysCli.CreateAsync(settings, "dashboard", ApiKeyScopes.StatsRead);
        var admin = await KeysCli.CreateAsync(settings, "ops", ApiKeyScopes.Admin);
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(client, reader)).StatusCode);
        using var allowed = await GetAsync(client, admin);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("dotnet_gc_collections", await allowed.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client.SendAsync(request);
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sample of <paramref name="name"/> whose labels include all of <paramref name="labels"/>; 0 when absent.</summary>
    private static double Value(string scrape, string name, string[] labels) =>
        scrape.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            .Select(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .Sum();
}
