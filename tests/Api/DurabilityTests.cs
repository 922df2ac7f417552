using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Collaboration.Events;
using Collaboration.Tests.Support;
using Microsoft.Data.Sqlite;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Api;

public class DurabilityTests
{
    [Fact]
    public async Task A_restarted_service_reloads_every_state_from_the_store()
    {
        using var directory = new TempDirectory();
        var random = new Random(42);
        var users = Enumerable.Range(0, 8).Select(_ => Make.Id("u")).ToArray();
        var ideas = Enumerable.Range(0, 3).Select(_ => (Idea: Make.Id("i"), Thread: Make.Id("t"))).ToArray();
        var types = Enum.GetValues<InteractionType>();
        var events = Enumerable.Range(0, 300).Select(n =>
        {
            var type = types[random.Next(types.Length)];
            var (idea, thread) = ideas[random.Next(ideas.Length)];
            var onThread = type is not (Follow or Unfollow) && random.Next(2) == 0;
            return Make.Event(type, users[random.Next(users.Length)], idea, Make.Noon.AddMinutes(-random.Next(60 * 24 * 60)),
                threadId: onThread ? thread : null, title: type == Create ? $"idea {n}" : null);
        }).ToArray();
        var paths = users.Select(u => $"/v1/users/{u}?window=90d").Concat(users.Select(u => $"/v1/users/{u}/following"))
            .Concat(ideas.Select(i => $"/v1/ideas/{i.Idea}")).Concat(ideas.Select(i => $"/v1/ideas/{i.Idea}/followers"))
            .Concat(ideas.Select(i => $"/v1/threads/{i.Thread}")).ToArray();

        Dictionary<string, string> before;
        await using (var first = ApiFactory.On(directory.Path))
        {
            var client = first.CreateClient();
            foreach (var chunk in events.Chunk(50))
            {
                var batch = new JsonObject { ["events"] = new JsonArray(chunk.Select(e => JsonNode.Parse(JsonSerializer.Serialize(Make.Json(e)))).ToArray()) };
                using var response = await client.PostRawAsync("/v1/events/batch", batch.ToJsonString());
                Assert.Equal(50, (await response.ReadNodeAsync())["accepted"]!.GetValue<int>());
            }
            await client.PutAsync($"/v1/users/{users[0]}", new StringContent("""{"displayName":"Kept","country":"IN"}""", System.Text.Encoding.UTF8, "application/json"));
            before = await ReadAllAsync(client, paths);
        }

        await using var second = ApiFactory.On(directory.Path);
        var after = await ReadAllAsync(second.CreateClient(), paths);

        Assert.Equal(before, after);
        Assert.Contains("\"Kept\"", after[paths[0]]);
    }

    [Fact]
    public async Task When_storage_is_down_the_answer_is_503_and_a_retry_counts_once()
    {
        await using var factory = ApiFactory.On(Directory.CreateTempSubdirectory("collab-test-").FullName,
            new Dictionary<string, string> { ["Journal:BusyTimeout"] = "00:00:01" });
        var client = factory.CreateClient();
        var like = Make.Json(Make.Event(Like, Make.Id("u"), Make.Id("i"), Make.Noon));
        await client.PostJsonAsync("/v1/events", Make.Json(Make.Event(View, Make.Id("u"), Make.Id("i"), Make.Noon)));

        // Another process holding the write lock is what a stuck or failing store looks like to the service.
        await using (var blocker = new SqliteConnection($"Data Source={Path.Combine(factory.DataDirectory, "collaboration.db")};Pooling=False"))
        {
            await blocker.OpenAsync();
            using var transaction = blocker.BeginTransaction(System.Data.IsolationLevel.Serializable);
            using (var command = new SqliteCommand("INSERT INTO thread_ideas (thread_id, idea_id) VALUES ('blocker', 'blocker')", blocker, transaction))
            {
                await command.ExecuteNonQueryAsync();
            }

            using var refused = await client.PostJsonAsync("/v1/events", like);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            // Nothing in the request is at fault, so the problem's errors object is there and empty.
            Assert.Equal("{}", (await refused.ReadNodeAsync())["errors"]!.ToJsonString());
            transaction.Rollback();
        }

        using var retried = await client.PostJsonAsync("/v1/events", like);

        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal(1, (await client.GetNodeAsync($"/v1/ideas/{like["ideaId"]}"))["counts"]!["like"]!.GetValue<int>());
        Directory.Delete(factory.DataDirectory, recursive: true);
    }

    private static async Task<Dictionary<string, string>> ReadAllAsync(HttpClient client, IEnumerable<string> paths)
    {
        var bodies = new Dictionary<string, string>();
        foreach (var path in paths)
        {
            using var response = await client.GetAsync(path);
            bodies[path] = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }
        return bodies;
    }
}

/// <summary>An idea followed by 100,000 people: follows are appends, and pages and restarts still work.</summary>
public class PopularIdeaTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task An_idea_with_100000_followers_pages_and_counts_and_each_follow_is_one_row()
    {
        var client = factory.CreateClient();
        var idea = Make.Id("i");
        const int followers = 100_000;
        for (var start = 0; start < followers; start += 1000)
        {
            var batch = new JsonObject
            {
                ["events"] = new JsonArray(Enumerable.Range(start, 1000).Select(n =>
                    JsonNode.Parse(JsonSerializer.Serialize(Make.Json(Make.Event(Follow, $"fan-{n:D6}", idea, Make.Noon.AddSeconds(-n)))))).ToArray()),
            };
            using var response = await client.PostRawAsync("/v1/events/batch", batch.ToJsonString());
            var answer = await response.ReadNodeAsync();
            Assert.True(response.IsSuccessStatusCode, answer.ToJsonString());
            Assert.Equal(1000, answer["accepted"]!.GetValue<int>());
        }
        await client.PostJsonAsync("/v1/events", Make.Json(Make.Event(Unfollow, "fan-000042", idea, Make.Noon)));

        var count = 0;
        string? previous = null;
        string? cursor = null;
        do
        {
            var page = await client.GetNodeAsync($"/v1/ideas/{idea}/followers?limit=1000" + (cursor is null ? "" : $"&cursor={cursor}"));
            foreach (var id in page["items"]!.AsArray().Select(n => n!.GetValue<string>()))
            {
                Assert.True(previous is null || string.CompareOrdinal(previous, id) < 0);
                Assert.NotEqual("fan-000042", id);
                previous = id;
                count++;
            }
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(followers - 1, count);
        Assert.Equal(followers - 1, (await client.GetNodeAsync($"/v1/ideas/{idea}"))["followers"]!.GetValue<int>());
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(factory.DataDirectory, "collaboration.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        using var rows = new SqliteCommand("SELECT count(*) FROM events WHERE idea_id = $s", connection);
        rows.Parameters.AddWithValue("$s", idea);
        Assert.Equal(followers + 1L, (long)(await rows.ExecuteScalarAsync())!);
    }
}
