using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Collaboration.Security;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Security;

/// <summary>Per-key budgets: charged per event, 429 with Retry-After over budget, nothing stored, other keys unaffected.</summary>
public sealed class QuotaTests
{
    private static string Batch(string ideaId, int events) => new JsonObject
    {
        ["events"] = new JsonArray([.. Enumerable.Range(0, events)
            .Select(i => JsonNode.Parse(Make.Json(Make.Event(View, $"u{i}", ideaId, Make.Noon.AddSeconds(-i))).ToJson()))]),
    }.ToJsonString();

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events/batch") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_key_over_its_budget_gets_429_with_Retry_After_stores_nothing_and_leaves_other_keys_alone()
    {
        await using var factory = new ApiFactory();
        var cli = new Dictionary<string, string> { ["COLLAB_DATA_DIR"] = factory.DataDirectory };
        // One event per second, so its bucket holds one full batch (a batch always fits) and refills far slower than this test runs.
        var slow = await KeysCli.CreateAsync(cli, "slow-app", ApiKeyScopes.EventsWrite, "--rate", "1");
        var other = await KeysCli.CreateAsync(cli, "other-app", ApiKeyScopes.EventsWrite);
        var reader = await KeysCli.CreateAsync(cli, "dashboard", ApiKeyScopes.StatsRead);
        var client = factory.CreateClient();

        using var first = await PostAsync(client, Batch("idea-first", 1000), slow);
        var overIdea = Make.Id("idea");
        using var over = await PostAsync(client, Batch(overIdea, 1000), slow);
        using var others = await PostAsync(client, Batch("idea-other", 1000), other);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(1000, (await first.ReadNodeAsync())["accepted"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.Equal("application/problem+json", over.Content.Headers.ContentType?.MediaType);
        Assert.True(over.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), over.Headers.RetryAfter?.ToString());
        Assert.NotNull((await over.ReadNodeAsync())["errors"]!["quota"]);
        Assert.Equal(HttpStatusCode.OK, others.StatusCode);
        Assert.Equal(1000, (await others.ReadNodeAsync())["accepted"]!.GetValue<int>());
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/v1/ideas/{overIdea}");
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reader);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(read)).StatusCode);
    }

    [Fact]
    public async Task Keyless_loopback_mode_has_no_budget()
    {
        await using var factory = ApiFactory.With(new Dictionary<string, string> { ["Quotas:EventsPerSecond"] = "1", ["Quotas:BurstSeconds"] = "1" });
        var client = factory.CreateClient();

        for (var round = 0; round < 3; round++)
        {
            using var response = await PostAsync(client, Batch(Make.Id("idea"), 1000), key: null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
