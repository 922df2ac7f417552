using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Collaboration.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Collaboration.Tests.Api;

/// <summary>
/// Route and query values are checked before any handler runs: a bad one is a 400 naming it, and the grain the handler
/// would call is never called, so nothing is read, activated or stored. The same request with good values does call
/// it, which shows the grain calls are seen.
/// </summary>
public sealed class ArgumentValidationTests(ArgumentValidationTests.RecordingApiFactory factory)
    : IClassFixture<ArgumentValidationTests.RecordingApiFactory>
{
    private readonly HttpClient client = factory.CreateClient();

    /// <summary>
    /// One bad value per endpoint with route or query values, the same request made good, and the grain method its
    /// handler calls. <c>{id}</c> is a fresh id; a grain is matched by a key containing it (the analytics grain by method).
    /// </summary>
    public sealed record Case(string Operation, string Bad, string Good, string Field, string GrainMethod, bool KeyedById = true);

    public static readonly Case[] Cases =
    [
        new("PUT /v1/users/{userId}", "/v1/users/{id}%23", "/v1/users/{id}", "userId", "UpdateProfileAsync"),
        new("GET /v1/users/{userId}", "/v1/users/{id}?window=1y", "/v1/users/{id}?window=7d", "window", "GetAsync"),
        new("GET /v1/users/{userId}/following", "/v1/users/{id}/following?limit=0", "/v1/users/{id}/following?limit=1", "limit", "GetFollowingAsync"),
        new("GET /v1/users/{userId}/following", "/v1/users/{id}%23/following", "/v1/users/{id}/following", "userId", "GetFollowingAsync"),
        new("GET /v1/users/{userId}/updates", "/v1/users/{id}/updates?cursor=***", "/v1/users/{id}/updates?limit=1", "cursor", "GetUpdatesAsync"),
        new("GET /v1/users/{userId}/updates", "/v1/users/{id}%23/updates", "/v1/users/{id}/updates", "userId", "GetUpdatesAsync"),
        new("POST /v1/users/{userId}/following/prune", "/v1/users/{id}%23/following/prune", "/v1/users/{id}/following/prune", "userId", "GetStaleFollowsAsync"),
        new("GET /v1/users/{userId}/following/stale", "/v1/users/{id}/following/stale?days=0", "/v1/users/{id}/following/stale?days=1", "days", "GetStaleFollowsAsync"),
        new("DELETE /v1/users/{userId}", "/v1/users/{id}%23", "/v1/users/{id}", "userId", "EraseAsync"),
        new("GET /v1/users/{userId}/export", "/v1/users/{id}%23/export", "/v1/users/{id}/export", "userId", "ExportAsync"),
        new("GET /v1/ideas/{ideaId}", "/v1/ideas/{id}%23", "/v1/ideas/{id}?window=all", "ideaId", "GetAsync"),
        new("GET /v1/ideas/{ideaId}/followers", "/v1/ideas/{id}/followers?cursor=***", "/v1/ideas/{id}/followers", "cursor", "GetFollowersAsync"),
        new("GET /v1/ideas/{ideaId}/people", "/v1/ideas/{id}/people?by=site", "/v1/ideas/{id}/people?by=function", "by", "SuggestPeopleAsync", false),
        new("GET /v1/users/{userId}/ideas/suggested", "/v1/users/{id}/ideas/suggested?limit=0", "/v1/users/{id}/ideas/suggested?limit=1", "limit",
            "SuggestIdeasAsync", false),
        new("GET /v1/threads/{threadId}", "/v1/threads/{id}%23", "/v1/threads/{id}", "threadId", "GetAsync"),
        new("GET /v1/stats/participation", "/v1/stats/participation?window=5d", "/v1/stats/participation?by=site", "window", "GetParticipationAsync", false),
        new("GET /v1/stats/participation/daily", "/v1/stats/participation/daily?days=0", "/v1/stats/participation/daily?days=2", "days",
            "GetDailyAsync", false),
        new("GET /v1/stats/ties", "/v1/stats/ties?by=team", "/v1/stats/ties?asOf=2026-11-01T00:00:00Z", "by", "GetTiesAsync", false),
        new("GET /v1/stats/ties/matrix", "/v1/stats/ties/matrix?window=1y", "/v1/stats/ties/matrix?by=site", "window", "GetTieMatrixAsync", false),
        new("GET /v1/stats/ideas/{ideaId}/contributors", "/v1/stats/ideas/{id}/contributors?by=team", "/v1/stats/ideas/{id}/contributors?by=site", "by",
            "GetIdeaContributorsAsync", false),
        new("GET /v1/stats/ideas/top", "/v1/stats/ideas/top?limit=101", "/v1/stats/ideas/top?sort=views", "limit", "GetTopIdeasAsync", false),
        new("GET /v1/stats/follows", "/v1/stats/follows?window=all", "/v1/stats/follows?window=7d", "window", "GetFollowsAsync", false),
        new("GET /v1/stats/funnel", "/v1/stats/funnel?window=all", "/v1/stats/funnel?window=90d", "window", "GetFunnelAsync", false),
        new("POST /v1/admin/rebuild/users/{userId}", "/v1/admin/rebuild/users/{id}%23", "/v1/admin/rebuild/users/{id}", "userId", "RebuildAsync"),
        new("POST /v1/admin/rebuild/ideas/{ideaId}", "/v1/admin/rebuild/ideas/{id}%23", "/v1/admin/rebuild/ideas/{id}", "ideaId", "RebuildAsync"),
        new("POST /v1/admin/rebuild/threads/{threadId}", "/v1/admin/rebuild/threads/{id}%23", "/v1/admin/rebuild/threads/{id}", "threadId", "RebuildAsync"),
    ];

    public static TheoryData<string, string> AllCases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var test in Cases)
            {
                data.Add(test.Operation, test.Bad);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public async Task A_bad_value_is_refused_before_the_handler_calls_a_grain(string operation, string badPath)
    {
        var test = Cases.Single(c => c.Operation == operation && c.Bad == badPath);
        var id = Make.Id("v");
        var key = test.KeyedById ? id : null;
        var before = factory.Calls.Count(test.GrainMethod, key);

        using var bad = await SendAsync(test.Operation, test.Bad.Replace("{id}", id));

        await EventsApiTests.AssertProblem(bad, HttpStatusCode.BadRequest, test.Field);
        Assert.Equal(before, factory.Calls.Count(test.GrainMethod, key));

        using var good = await SendAsync(test.Operation, test.Good.Replace("{id}", id));

        Assert.True(good.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{test.Good} answered {good.StatusCode}");
        Assert.True(factory.Calls.Count(test.GrainMethod, key) > before, $"{test.Good} should call {test.GrainMethod}");
    }

    [Fact]
    public async Task Every_operation_with_route_or_query_values_has_a_case()
    {
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var withValues = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Operation: $"{op.Key.ToUpperInvariant()} {path.Key}", Node: op.Value!)))
            .Where(op => op.Node["parameters"]?.AsArray().Count > 0)
            .Select(op => op.Operation)
            .Order();

        Assert.Equal(withValues, Cases.Select(c => c.Operation).Distinct().Order());
    }

    /// <summary>When several values are wrong, the first by the documented order is named, with its exact message.</summary>
    [Theory]
    [InlineData("/v1/ideas/bad%23id/followers?limit=0&cursor=***", "ideaId", "must be 1-128 characters of [A-Za-z0-9._:@-]")]
    [InlineData("/v1/ideas/i-1/followers?limit=0&cursor=***", "limit", "must be an integer from 1 to 1000")]
    [InlineData("/v1/users/u-1/following?cursor=***", "cursor", "is not a cursor returned by this API")]
    [InlineData("/v1/users/u-1?window=1y", "window", "must be one of 7d, 28d, 90d, all")]
    [InlineData("/v1/stats/ideas/top?window=5d&sort=best&limit=0&asOf=x", "window", "must be one of 7d, 28d, 90d, all")]
    [InlineData("/v1/stats/ideas/top?sort=best&limit=0&asOf=x", "asOf", "must be an RFC 3339 timestamp with an offset, like 2026-11-01T12:00:00Z")]
    [InlineData("/v1/stats/ideas/top?sort=best&limit=0", "sort", "must be one of reach, contributors, views")]
    [InlineData("/v1/stats/ideas/top?limit=0", "limit", "must be a whole number from 1 to 100")]
    [InlineData("/v1/stats/participation?by=planet&asOf=2030-01-01T00:00:00Z", "asOf", "must not be in the future")]
    [InlineData("/v1/stats/ties?by=planet&asOf=1999-12-31T23:59:59Z", "asOf", "must not be before 2000-01-01T00:00:00Z")]
    [InlineData("/v1/stats/participation?by=planet", "by", "must be one of country, site, department, function")]
    [InlineData("/v1/stats/funnel?window=all&asOf=yesterday", "asOf", "must be an RFC 3339 timestamp with an offset, like 2026-11-01T12:00:00Z")]
    [InlineData("/v1/stats/funnel?window=all", "window", "must be one of 7d, 28d, 90d (all time has no previous window)")]
    [InlineData("/v1/stats/participation/daily?days=0&asOf=yesterday", "asOf", "must be an RFC 3339 timestamp with an offset, like 2026-11-01T12:00:00Z")]
    [InlineData("/v1/stats/participation/daily?days=367&window=nonsense", "days", "must be a whole number from 1 to 366")]
    public async Task The_first_bad_value_in_order_is_named_with_its_message(string path, string field, string message)
    {
        using var response = await client.GetAsync(path);

        await EventsApiTests.AssertProblem(response, HttpStatusCode.BadRequest, field);
        var problem = await response.ReadNodeAsync();
        Assert.Equal("Invalid request", problem["title"]!.GetValue<string>());
        Assert.Equal($"{field}: {message}", problem["detail"]!.GetValue<string>());
        var errors = problem["errors"]!.AsObject();
        Assert.Equal([field], errors.Select(error => error.Key));
        Assert.Equal([message], errors[field]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public async Task With_analytics_off_a_dashboard_is_404_before_its_query_is_checked()
    {
        await using var off = ApiFactory.With(new Dictionary<string, string> { ["Analytics:Enabled"] = "false" });
        using var offClient = off.CreateClient();

        using var response = await offClient.GetAsync("/v1/stats/participation?window=5d&by=planet");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.ReadNodeAsync();
        Assert.Equal("Analytics is turned off", problem["title"]!.GetValue<string>());
        Assert.Equal("{}", problem["errors"]!.ToJsonString());
    }

    /// <summary>
    /// With the read model keeping 181 days (its minimum), a windowed answer may end no earlier than the start of today
    /// (its window and the funnel's previous one need the 181 days), and a daily series may reach back 181 days.
    /// </summary>
    [Theory]
    [InlineData("/v1/stats/participation?asOf=2026-11-25T23:59:59Z", "asOf",
        "must not be before 2026-11-26T00:00:00Z: the read model keeps 181 days of activity (Analytics__HorizonDays) and this answer reads up to 181 days before its end")]
    [InlineData("/v1/stats/funnel?window=90d&asOf=2026-06-01T00:00:00Z", "asOf",
        "must not be before 2026-11-26T00:00:00Z: the read model keeps 181 days of activity (Analytics__HorizonDays) and this answer reads up to 181 days before its end")]
    [InlineData("/v1/stats/participation/daily?asOf=2026-05-28T23:59:59Z&days=1", "asOf",
        "must not be before 2026-05-29T00:00:00Z: the read model keeps 181 days of activity (Analytics__HorizonDays) and this answer reads up to 181 days before its end")]
    [InlineData("/v1/stats/participation/daily?days=183", "days",
        "must not reach before 2026-05-29, the first day the read model keeps (Analytics__HorizonDays, 181 days); at most 182 here")]
    public async Task Answers_reaching_before_the_read_horizon_are_refused(string path, string field, string message)
    {
        await using var bounded = ApiFactory.With(new Dictionary<string, string> { ["Analytics:HorizonDays"] = "181" });
        using var boundedClient = bounded.CreateClient();

        using var response = await boundedClient.GetAsync(path);

        await EventsApiTests.AssertProblem(response, HttpStatusCode.BadRequest, field);
        var problem = await response.ReadNodeAsync();
        Assert.Equal([message], problem["errors"]![field]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    private Task<HttpResponseMessage> SendAsync(string operation, string path) => operation.Split(' ')[0] switch
    {
        "PUT" => client.PutAsync(path, new StringContent("""{"displayName":"Aino"}""", Encoding.UTF8, "application/json")),
        "POST" when path.EndsWith("/following/prune", StringComparison.Ordinal) => client.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json")),
        "POST" => client.PostAsync(path, null),
        "DELETE" => client.DeleteAsync(path),
        _ => client.GetAsync(path),
    };

    /// <summary>The application with every grain call it receives recorded.</summary>
    public sealed class RecordingApiFactory : ApiFactory
    {
        public GrainCalls Calls { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<IIncomingGrainCallFilter>(Calls));
        }
    }

    /// <summary>Observes the calls grains receive (method and grain key); the calls themselves run as always.</summary>
    public sealed class GrainCalls : IIncomingGrainCallFilter
    {
        private readonly ConcurrentQueue<(string Method, string Key)> calls = new();

        public Task Invoke(IIncomingGrainCallContext context)
        {
            calls.Enqueue((context.MethodName, context.TargetId.Key.ToString()));
            return context.Invoke();
        }

        /// <summary>Calls of the method, to a grain whose key contains <paramref name="key"/> when given.</summary>
        public int Count(string method, string? key) =>
            calls.Count(call => call.Method == method && (key is null || call.Key.Contains(key, StringComparison.Ordinal)));
    }
}
