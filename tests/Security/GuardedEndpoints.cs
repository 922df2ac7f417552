using System.Text;
using Collaboration.Security;
using Collaboration.Tests.Support;

namespace Collaboration.Tests.Security;

/// <summary>
/// Every endpoint under /v1 with the scope it needs, a request that succeeds with that scope, and its answer then.
/// Kept next to the access tests, which check it against the application's route table, so a new endpoint cannot
/// be added without saying which scope guards it.
/// </summary>
internal sealed record GuardedEndpoint(string Method, string Pattern, string Scope, Func<string, HttpRequestMessage> Request, int Works)
{
    /// <summary>Ids that exist once <see cref="SeedEvents"/> is stored.</summary>
    public const string User = "u-seed", Idea = "i-seed", Thread = "t-seed";

    public static readonly DateTimeOffset At = Make.Noon.AddHours(-1);

    public static IReadOnlyList<GuardedEndpoint> All { get; } =
    [
        new("POST", "/v1/events", ApiKeyScopes.EventsWrite, n => Post("/v1/events", EventJson("e-" + n, "u-" + n)), 202),
        new("POST", "/v1/events/batch", ApiKeyScopes.EventsWrite, n => Post("/v1/events/batch", $$"""{"events":[{{EventJson("e-" + n, "u-" + n)}}]}"""), 200),
        new("PUT", "/v1/users/{userId}", ApiKeyScopes.EventsWrite,
            n => new HttpRequestMessage(HttpMethod.Put, "/v1/users/u-" + n) { Content = Json("""{"displayName":"Aino"}""") }, 200),
        new("POST", "/v1/users/import", ApiKeyScopes.EventsWrite, n => new HttpRequestMessage(HttpMethod.Post, "/v1/users/import")
        {
            Content = new StringContent($"userId,displayName\nu-{n},Priya\n", Encoding.UTF8, "text/csv"),
        }, 200),
        Get("/v1/users/{userId}", "/v1/users/" + User),
        Get("/v1/users/{userId}/following", $"/v1/users/{User}/following"),
        Get("/v1/users/{userId}/updates", $"/v1/users/{User}/updates"),
        Get("/v1/users/{userId}/following/stale", $"/v1/users/{User}/following/stale"),
        new("POST", "/v1/users/{userId}/following/prune", ApiKeyScopes.EventsWrite,
            _ => new HttpRequestMessage(HttpMethod.Post, $"/v1/users/{User}/following/prune") { Content = Json("""{"dryRun":true}""") }, 200),
        Get("/v1/ideas/{ideaId}", "/v1/ideas/" + Idea),
        Get("/v1/ideas/{ideaId}/followers", $"/v1/ideas/{Idea}/followers"),
        Get("/v1/ideas/{ideaId}/people", $"/v1/ideas/{Idea}/people"),
        Get("/v1/users/{userId}/ideas/suggested", $"/v1/users/{User}/ideas/suggested"),
        Get("/v1/threads/{threadId}", "/v1/threads/" + Thread),
        Get("/v1/stats/participation", "/v1/stats/participation?by=country"),
        Get("/v1/stats/participation/daily", "/v1/stats/participation/daily?days=7"),
        Get("/v1/stats/ties", "/v1/stats/ties"),
        Get("/v1/stats/ties/matrix", "/v1/stats/ties/matrix"),
        Get("/v1/stats/ideas/top", "/v1/stats/ideas/top"),
        Get("/v1/stats/ideas/{ideaId}/contributors", $"/v1/stats/ideas/{Idea}/contributors"),
        Get("/v1/stats/funnel", "/v1/stats/funnel?window=7d"),
        Get("/v1/stats/follows", "/v1/stats/follows?by=function"),
        // The seed user is read by other endpoints: the erasure is asked of someone unknown (404 once the scope passes).
        new("DELETE", "/v1/users/{userId}", ApiKeyScopes.Privacy, n => new HttpRequestMessage(HttpMethod.Delete, "/v1/users/u-unknown-" + n), 404),
        new("GET", "/v1/users/{userId}/export", ApiKeyScopes.Privacy, _ => new HttpRequestMessage(HttpMethod.Get, $"/v1/users/{User}/export"), 200),
        Admin("/v1/admin/rebuild/read-model", "/v1/admin/rebuild/read-model"),
        Admin("/v1/admin/rebuild/users/{userId}", "/v1/admin/rebuild/users/" + User),
        Admin("/v1/admin/rebuild/ideas/{ideaId}", "/v1/admin/rebuild/ideas/" + Idea),
        Admin("/v1/admin/rebuild/threads/{threadId}", "/v1/admin/rebuild/threads/" + Thread),
        Admin("/v1/admin/retention/sweep", "/v1/admin/retention/sweep"),
    ];

    /// <summary>Creates the user, idea and thread the reads ask for.</summary>
    public static string SeedEvents => $$"""
        {"events":[
          {"eventId":"seed-1","type":"create","userId":"{{User}}","ideaId":"{{Idea}}","occurredAt":"{{At:O}}"},
          {"eventId":"seed-2","type":"create","userId":"{{User}}","ideaId":"{{Idea}}","threadId":"{{Thread}}","occurredAt":"{{At:O}}"}]}
        """;

    public static string EventJson(string eventId, string userId) =>
        $$"""{"eventId":"{{eventId}}","type":"like","userId":"{{userId}}","ideaId":"{{Idea}}","occurredAt":"{{At:O}}"}""";

    public override string ToString() => $"{Method} {Pattern}";

    private static GuardedEndpoint Get(string pattern, string path) =>
        new("GET", pattern, ApiKeyScopes.StatsRead, _ => new HttpRequestMessage(HttpMethod.Get, path), 200);

    private static GuardedEndpoint Admin(string pattern, string path) =>
        new("POST", pattern, ApiKeyScopes.Admin, _ => new HttpRequestMessage(HttpMethod.Post, path), 200);

    private static HttpRequestMessage Post(string path, string json) => new(HttpMethod.Post, path) { Content = Json(json) };

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
