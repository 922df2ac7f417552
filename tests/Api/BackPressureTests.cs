using System.Net;
using System.Text;
using Collaboration.Ingestion;
using Collaboration.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Api;

/// <summary>
/// The bounded queue in front of storage. Another connection holds SQLite's write lock, so admitted writes wait for
/// it (the busy timeout is long) and the backlog is known exactly; then the next write must be refused at once.
/// </summary>
public class BackPressureTests
{
    private const int Limit = 3;

    [Fact]
    public async Task Past_the_queue_limit_writes_answer_503_with_Retry_After_at_once_and_store_nothing()
    {
        await using var factory = ApiFactory.With(new Dictionary<string, string>
        {
            ["Journal:MaxQueuedEvents"] = Limit.ToString(),
            // One event a second, so Retry-After shows the queue's depth: the limit, in seconds.
            ["Journal:DrainRate"] = "1",
            ["Journal:BusyTimeout"] = "00:02:00",
        });
        var client = factory.CreateClient();
        var backlog = factory.Services.GetRequiredService<WriteBacklog>();
        var waiting = Enumerable.Range(0, Limit).Select(_ => Make.Json(Make.Event(Like, Make.Id("u"), Make.Id("i"), Make.Noon))).ToArray();
        var refusedEvent = Make.Json(Make.Event(Like, Make.Id("u"), Make.Id("i"), Make.Noon));
        var (putUser, importedUser) = (Make.Id("u"), Make.Id("u"));
        using (var warmUp = await client.PostJsonAsync("/v1/events", Make.Json(Make.Event(View, Make.Id("u"), Make.Id("i"), Make.Noon))))
        {
            Assert.Equal(HttpStatusCode.Accepted, warmUp.StatusCode);
        }

        Task<HttpResponseMessage>[] admitted;
        await using (var blocker = await HoldTheWriteLockAsync(factory))
        {
            admitted = waiting.Select(json => client.PostJsonAsync("/v1/events", json)).ToArray();
            await WaitUntilAsync(() => backlog.Pending == Limit);

            using var refused = await client.PostJsonAsync("/v1/events", refusedEvent).WaitAsync(TimeSpan.FromSeconds(30));
            using var refusedPut = await client.PutAsync($"/v1/users/{putUser}", Content("""{"country":"FI"}""", "application/json")).WaitAsync(TimeSpan.FromSeconds(30));
            using var refusedImport = await client.PostAsync("/v1/users/import", Content($"userId,country\n{importedUser},FI\n", "text/csv")).WaitAsync(TimeSpan.FromSeconds(30));

            foreach (var response in new[] { refused, refusedPut, refusedImport })
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(Limit), response.Headers.RetryAfter?.Delta);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal("{}", (await response.ReadNodeAsync())["errors"]!.ToJsonString());
            }
            Assert.Equal(Limit, backlog.Pending);
        }

        for (var i = 0; i < Limit; i++)
        {
            await AcknowledgedAsync(client, waiting[i], admitted[i]);
            // Stored once, whoever reads it.
            Assert.Equal(1L, await CountAsync(factory, "SELECT count(*) FROM events WHERE event_id = $id", waiting[i]["eventId"]!));
        }
        Assert.Equal(0, backlog.Pending);
        Assert.Equal(0L, await CountAsync(factory, "SELECT count(*) FROM events WHERE event_id = $id", refusedEvent["eventId"]!));
        Assert.Equal(0L, await CountAsync(factory, "SELECT count(*) FROM events WHERE user_id IN ($id, $other)", putUser, importedUser));

        // The refused event was never stored, so sending it again is its first acceptance; the others pass now too.
        using var retried = await client.PostJsonAsync("/v1/events", refusedEvent);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        using var put = await client.PutAsync($"/v1/users/{putUser}", Content("""{"country":"FI"}""", "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var import = await client.PostAsync("/v1/users/import", Content($"userId,country\n{importedUser},FI\n", "text/csv"));
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        Assert.Equal("FI", (await client.GetNodeAsync($"/v1/users/{importedUser}"))["country"]!.GetValue<string>());
    }

    /// <summary>
    /// An admitted request's answer: 202 once storage is released. On a machine so loaded that its wait outlives the
    /// grain call's timeout, the api answers 503 instead (nothing acknowledged); then the client's retry completes it.
    /// </summary>
    internal static async Task AcknowledgedAsync(HttpClient client, Dictionary<string, object?> json, Task<HttpResponseMessage> answer)
    {
        using var response = await answer;
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            using var retried = await client.PostJsonAsync("/v1/events", json);
            Assert.True(retried.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, retried.StatusCode.ToString());
            return;
        }
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>A transaction of another connection that has written, and so holds the write lock until disposed.</summary>
    private static async Task<SqliteConnection> HoldTheWriteLockAsync(ApiFactory factory)
    {
        var blocker = new SqliteConnection($"Data Source={Path.Combine(factory.DataDirectory, "collaboration.db")};Pooling=False");
        await blocker.OpenAsync();
        using var command = new SqliteCommand("BEGIN IMMEDIATE; INSERT INTO thread_ideas (thread_id, idea_id) VALUES ('blocker', 'blocker');", blocker);
        await command.ExecuteNonQueryAsync();
        return blocker;
    }

    private static async Task<long> CountAsync(ApiFactory factory, string sql, object id, object? other = null)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(factory.DataDirectory, "collaboration.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        using var command = new SqliteCommand(sql, connection);
        command.Parameters.AddWithValue("$id", id.ToString());
        if (other is not null)
        {
            command.Parameters.AddWithValue("$other", other.ToString());
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static StringContent Content(string body, string mediaType) => new(body, Encoding.UTF8, mediaType);

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(10);
        }
    }
}

/// <summary>
/// The same bound in Cluster mode: two silos on PostgreSQL, each with a limit of two queued events. A transaction
/// holding a SHARE lock on the ledger stops every claim, so admitted requests wait there; which silo takes each
/// request is the client's choice, so requests go one at a time until one is refused.
/// </summary>
[Collection(ClusterCollection.Name)]
public class ClusterBackPressureTests(ClusterBackPressureTests.Cluster factory) : IClassFixture<ClusterBackPressureTests.Cluster>
{
    private const int Limit = 2;

    public sealed class Cluster : ClusterApiFactory
    {
        public Cluster()
        {
            ClusterSettings["Journal:MaxQueuedEvents"] = Limit.ToString();
            ClusterSettings["Journal:DrainRate"] = "1";
        }
    }

    [Fact]
    public async Task Past_the_queue_limit_of_every_silo_writes_answer_503_at_once_and_store_nothing()
    {
        var client = factory.CreateClient();
        var backlogs = factory.Silos.Select(silo => silo.Services.GetRequiredService<WriteBacklog>()).ToArray();
        long Pending() => backlogs.Sum(backlog => backlog.Pending);
        using (var warmUp = await client.PostJsonAsync("/v1/events", Make.Json(Make.Event(View, Make.Id("u"), Make.Id("i"), Make.Noon))))
        {
            Assert.Equal(HttpStatusCode.Accepted, warmUp.StatusCode);
        }

        var admitted = new List<(Dictionary<string, object?> Json, Task<HttpResponseMessage> Answer)>();
        Dictionary<string, object?> refusedEvent;
        HttpResponseMessage refused;
        await using (var blocker = new NpgsqlConnection(factory.ConnectionString))
        {
            await blocker.OpenAsync();
            await using var transaction = await blocker.BeginTransactionAsync();
            await new NpgsqlCommand("LOCK TABLE events IN SHARE MODE", blocker, transaction).ExecuteNonQueryAsync();
            while (true)
            {
                var json = Make.Json(Make.Event(Like, Make.Id("u"), Make.Id("i"), Make.Noon));
                var answer = client.PostJsonAsync("/v1/events", json);
                var expected = admitted.Count + 1;
                await BackPressureTests.WaitUntilAsync(() => Pending() == expected || answer.IsCompleted);
                if (answer.IsCompleted)
                {
                    (refusedEvent, refused) = (json, await answer);
                    break;
                }
                admitted.Add((json, answer));
                Assert.True(admitted.Count <= Limit * backlogs.Length, "more requests were admitted than the silos' limits allow");
            }
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        // The refusing silo held its limit of events, draining at one a second; the delay crossed from silo to api.
        Assert.Equal(TimeSpan.FromSeconds(Limit), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("{}", (await refused.ReadNodeAsync())["errors"]!.ToJsonString());
        foreach (var (json, answer) in admitted)
        {
            await BackPressureTests.AcknowledgedAsync(client, json, answer);
            Assert.Equal(1L, await CountAsync("SELECT count(*) FROM events WHERE event_id = $1", json["eventId"]!));
        }
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM events WHERE event_id = $1", refusedEvent["eventId"]!));
        using var retried = await client.PostJsonAsync("/v1/events", refusedEvent);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
    }

    private async Task<long> CountAsync(string sql, object id)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(id.ToString()!);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
