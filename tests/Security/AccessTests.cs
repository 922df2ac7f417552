using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Collaboration.Security;
using Collaboration.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Collaboration.Tests.Security;

/// <summary>
/// The embedded service with keys: every endpoint refuses every kind of bad key alike (401) and a key without the
/// scope (403), stores nothing then, and works with the right scope; the key that posted an event is on its ledger row.
/// </summary>
public sealed class AccessTests : IAsyncLifetime
{
    // No cache: each request sees the store as it is, so a revoked key is refused at once here.
    private readonly ApiFactory factory = ApiFactory.With(new Dictionary<string, string> { ["ApiKeys:CacheFor"] = "00:00:00" });
    private Dictionary<string, string> Cli => new() { ["COLLAB_DATA_DIR"] = factory.DataDirectory };
    private string writer = "", reader = "", admin = "", privacy = "", revoked = "";
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        writer = await KeysCli.CreateAsync(Cli, "crm", ApiKeyScopes.EventsWrite);
        reader = await KeysCli.CreateAsync(Cli, "dashboard", ApiKeyScopes.StatsRead);
        admin = await KeysCli.CreateAsync(Cli, "ops", ApiKeyScopes.Admin);
        privacy = await KeysCli.CreateAsync(Cli, "dpo", ApiKeyScopes.Privacy);
        revoked = await KeysCli.CreateAsync(Cli, "old", $"{ApiKeyScopes.EventsWrite},{ApiKeyScopes.StatsRead}");
        Assert.Equal(0, (await KeysCli.RunAsync(Cli, "revoke", KeysCli.IdOf(revoked))).Exit);
        client = factory.CreateClient();
        using var seed = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/events/batch")
        {
            Content = new StringContent(GuardedEndpoint.SeedEvents, System.Text.Encoding.UTF8, "application/json"),
        }, writer);
        Assert.Equal(HttpStatusCode.OK, seed.StatusCode);
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public void The_endpoint_list_is_the_route_table()
    {
        var routes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText!.StartsWith("/v1", StringComparison.Ordinal))
            .SelectMany(endpoint => endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods
                .Select(method => $"{method} {endpoint.RoutePattern.RawText!.TrimEnd('/')}"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(GuardedEndpoint.All.Select(e => e.ToString()).Order(StringComparer.Ordinal), routes);
    }

    [Fact]
    public async Task Every_endpoint_answers_401_alike_to_every_bad_key_and_stores_nothing()
    {
        var (writerId, writerSecret) = Parts(writer);
        var badKeys = new (string What, Action<HttpRequestMessage> Apply)[]
        {
            ("no key", _ => { }),
            ("not a key", request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-key")),
            ("another scheme", request => request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "Y3JtOnNlY3JldA==")),
            ("bad checksum", request => request.Headers.Add("X-Api-Key", writer[..^1] + (writer[^1] == 'a' ? 'b' : 'a'))),
            ("unknown id", request => Bearer(request, ApiKeyFormat.Format("nosuchkey000", writerSecret))),
            ("wrong secret", request => Bearer(request, ApiKeyFormat.Format(writerId, ApiKeyFormat.Generate().Secret))),
            ("revoked", request => Bearer(request, revoked)),
        };
        var stored = StoredRows();
        var bodies = new HashSet<string>();
        var n = 0;
        foreach (var endpoint in GuardedEndpoint.All)
        {
            foreach (var (what, apply) in badKeys)
            {
                var request = endpoint.Request("refused" + n++);
                apply(request);
                using var response = await client.SendAsync(request);
                var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized, $"{endpoint} with {what}");
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
                problem.AsObject().Remove("traceId");
                bodies.Add(problem.ToJsonString());
            }
        }

        Assert.Single(bodies);
        Assert.Equal(stored, StoredRows());
    }

    [Fact]
    public async Task Every_endpoint_answers_403_to_a_key_without_its_scope_and_stores_nothing()
    {
        var stored = StoredRows();
        var n = 0;
        foreach (var endpoint in GuardedEndpoint.All)
        {
            foreach (var key in endpoint.Scope switch
            {
                ApiKeyScopes.EventsWrite => new[] { reader, admin, privacy },
                ApiKeyScopes.StatsRead => [writer, admin, privacy],
                ApiKeyScopes.Privacy => [writer, reader, admin],
                _ => [writer, reader, privacy],
            })
            {
                using var response = await SendAsync(endpoint.Request("forbidden" + n++), key);
                var problem = await ProblemAsync(response, HttpStatusCode.Forbidden, endpoint.ToString());
                Assert.Equal($"this key lacks the scope '{endpoint.Scope}'", problem["errors"]!["Authorization"]![0]!.GetValue<string>());
            }
        }

        Assert.Equal(stored, StoredRows());
    }

    [Fact]
    public async Task Every_endpoint_works_with_its_scope_in_either_header()
    {
        var n = 0;
        foreach (var endpoint in GuardedEndpoint.All)
        {
            var key = endpoint.Scope switch
            {
                ApiKeyScopes.EventsWrite => writer,
                ApiKeyScopes.StatsRead => reader,
                ApiKeyScopes.Privacy => privacy,
                _ => admin,
            };
            using var bearer = await SendAsync(endpoint.Request("ok" + n++), key);
            var viaHeader = endpoint.Request("ok" + n++);
            viaHeader.Headers.Add("X-Api-Key", key);
            using var header = await client.SendAsync(viaHeader);

            Assert.True(endpoint.Works == (int)bearer.StatusCode, $"{endpoint}: {(int)bearer.StatusCode} {await bearer.Content.ReadAsStringAsync()}");
            Assert.True(endpoint.Works == (int)header.StatusCode, $"{endpoint}: {(int)header.StatusCode} {await header.Content.ReadAsStringAsync()}");
        }
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task The_ledger_row_names_the_key_that_first_posted_the_event_and_a_duplicate_from_another_key_leaves_it()
    {
        var other = await KeysCli.CreateAsync(Cli, "etl", ApiKeyScopes.EventsWrite);
        var eventId = Make.Id("e");
        var json = GuardedEndpoint.EventJson(eventId, "u-posted");

        using var first = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") }, writer);
        using var again = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/events/batch")
        {
            Content = new StringContent($$"""{"events":[{{json}}]}""", System.Text.Encoding.UTF8, "application/json"),
        }, other);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(1, (await again.ReadNodeAsync())["duplicates"]!.GetValue<int>());
        Assert.Equal(KeysCli.IdOf(writer), Query<string>($"SELECT posted_by FROM events WHERE event_id = '{eventId}'"));
        Assert.Equal(KeysCli.IdOf(writer), Query<string>("SELECT posted_by FROM events WHERE event_id = 'seed-1'"));
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string key)
    {
        Bearer(request, key);
        return client.SendAsync(request);
    }

    private static void Bearer(HttpRequestMessage request, string key) => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);

    private static (string Id, string Secret) Parts(string key)
    {
        Assert.True(ApiKeyFormat.TryParse(key, out var id, out var secret));
        return (id, secret);
    }

    private static async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{what}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.Single(problem["errors"]!.AsObject());
        Assert.NotNull(problem["errors"]!["Authorization"]);
        return problem;
    }

    /// <summary>Stored events and grain snapshots: what any write would add to.</summary>
    private long StoredRows() => Query<long>("SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM grain_snapshots)");

    private T Query<T>(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(factory.DataDirectory, "collaboration.db")};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = new SqliteCommand(sql, connection);
        return (T)command.ExecuteScalar()!;
    }
}
