using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Collaboration.Tests.Support;

/// <summary>Small helpers to post raw JSON and read answers as JSON nodes, as a client of the API would.</summary>
public static class HttpJson
{
    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string body, string contentType = "application/json") =>
        client.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType));

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body);

    public static async Task<JsonNode> ReadNodeAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new JsonException("empty body");

    /// <summary>Posts the events through the batch endpoint, 100 at a time, and asserts that none is rejected.</summary>
    public static async Task PostEventsAsync(this HttpClient client, IReadOnlyList<Collaboration.Events.Interaction> events)
    {
        foreach (var batch in events.Chunk(100))
        {
            var body = new JsonObject { ["events"] = new JsonArray([.. batch.Select(e => JsonNode.Parse(Make.Json(e).ToJson()))]) };
            using var response = await client.PostRawAsync("/v1/events/batch", body.ToJsonString());
            var answer = await response.ReadNodeAsync();
            Xunit.Assert.True(response.IsSuccessStatusCode && answer["rejected"]!.AsArray().Count == 0, answer.ToJsonString());
        }
    }

    public static async Task<JsonNode> GetNodeAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.ReadNodeAsync();
    }
}
