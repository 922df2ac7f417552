using System.Net;
using System.Net.Http.Headers;
using Collaboration.Journal;
using Collaboration.Journal.Postgres;
using Collaboration.Security;
using Collaboration.Tests.Support;
using Npgsql;

namespace Collaboration.Tests.Security;

/// <summary>
/// Cluster mode: keys live in PostgreSQL and two api replicas (gateway clients of two silos) check them through the
/// silos, each behind its own short cache.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterAccessTests
{
    [Fact]
    public async Task A_key_made_in_postgres_works_on_both_replicas_records_its_posts_and_once_revoked_both_refuse_it()
    {
        await using var cluster = new ClusterApiFactory();
        await ((IAsyncLifetime)cluster).InitializeAsync();
        try
        {
            await using var second = ApiFactory.With(cluster.ClusterSettings);
            HttpClient[] replicas = [cluster.CreateClient(), second.CreateClient()];
            var cli = new Dictionary<string, string>(cluster.ClusterSettings);

            var key = await KeysCli.CreateAsync(cli, "crm", $"{ApiKeyScopes.EventsWrite},{ApiKeyScopes.StatsRead}");
            var eventIds = new List<string>();
            foreach (var replica in replicas)
            {
                var eventId = Make.Id("e");
                eventIds.Add(eventId);
                using var posted = await PostAsync(replica, eventId, key);
                Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
                await KeylessModeTests.PollAsync(replica, null, HttpStatusCode.Unauthorized);
            }
            Assert.Equal(0, (await KeysCli.RunAsync(cli, "revoke", KeysCli.IdOf(key))).Exit);
            foreach (var replica in replicas)
            {
                await KeylessModeTests.PollAsync(replica, key, HttpStatusCode.Unauthorized);
            }
            using var afterRevoke = await PostAsync(replicas[1], Make.Id("e"), key);

            Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
            await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString);
            await using var postedBy = dataSource.CreateCommand("SELECT array_agg(DISTINCT posted_by) FROM events WHERE event_id = ANY($1)");
            postedBy.Parameters.AddWithValue(eventIds.ToArray());
            Assert.Equal([KeysCli.IdOf(key)], (string[])(await postedBy.ExecuteScalarAsync())!);
        }
        finally
        {
            await ((IAsyncLifetime)cluster).DisposeAsync();
        }
    }

    [Fact]
    public async Task The_keys_script_applies_to_a_database_made_by_scripts_001_to_004()
    {
        await using var dataSource = NpgsqlDataSource.Create(await (await PostgresServer.SharedAsync()).CreateDatabaseAsync());
        await using (var before = dataSource.CreateCommand(
            "CREATE TABLE schema_versions (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"))
        {
            await before.ExecuteNonQueryAsync();
        }
        foreach (var (version, name, sql) in PostgresSchema.Scripts.Where(script => script.Version <= 4))
        {
            await using var script = dataSource.CreateCommand(sql + $";\nINSERT INTO schema_versions (version, name) VALUES ({version}, '{name}');");
            await script.ExecuteNonQueryAsync();
        }

        var applied = await PostgresSchema.ApplyAsync(dataSource);
        var store = new PostgresApiKeyStore(dataSource);
        var (_, id, secret) = ApiKeyFormat.Generate();
        var salt = ApiKeyFormat.NewSalt();
        Assert.True(await store.CreateAsync(new ApiKeyRecord(id, "app", ["stats:read"], salt, ApiKeyFormat.Hash(secret, salt), 9, DateTimeOffset.UtcNow, null)));

        Assert.Equal(PostgresSchema.Scripts.Where(script => script.Version > 4).Select(script => script.Name), applied);
        var stored = (await store.FindAsync(id))!;
        Assert.True(ApiKeyFormat.Matches(stored, secret));
        Assert.Equal(9, stored.EventsPerSecond);
        Assert.Equal(["stats:read"], stored.Scopes);
        Assert.True(await store.AnyActiveAsync(DateTimeOffset.UtcNow));
        Assert.True(await store.RevokeAsync(id, DateTimeOffset.UtcNow));
        Assert.False(await store.AnyActiveAsync(DateTimeOffset.UtcNow));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string eventId, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events")
        {
            Content = new StringContent(GuardedEndpoint.EventJson(eventId, "u-cluster"), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client.SendAsync(request);
    }
}
