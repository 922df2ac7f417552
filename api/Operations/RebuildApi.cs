using Collaboration.Analytics;
using Collaboration.Api.Apis;
using Collaboration.Api.Http;
using Collaboration.Api.OpenApi;
using Collaboration.Api.Security;
using Collaboration.Api.Validation;
using Collaboration.Ideas;
using Collaboration.Rebuild;
using Collaboration.Security;
using Collaboration.Threads;
using Collaboration.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Collaboration.Api.Operations;

/// <summary>
/// Rebuilds from the journal, for operators (admin scope): the read model, or one user, idea or thread. Each answers
/// how many events it folded, how long that took and what the rebuilt state changed. Safe while the service runs.
/// </summary>
public static class RebuildApi
{
    public static IEndpointRouteBuilder MapRebuildApi(this IEndpointRouteBuilder app)
    {
        var rebuild = app.MapGroup("/v1/admin/rebuild").WithTags("Admin").RequireScope(ApiKeyScopes.Admin).ProducesApiProblems()
            .ProducesProblems(StatusCodes.Status404NotFound).ValidateArguments();
        rebuild.MapPost("/read-model", RebuildReadModelAsync);
        rebuild.MapPost("/users/{userId}", RebuildUserAsync);
        rebuild.MapPost("/ideas/{ideaId}", RebuildIdeaAsync);
        rebuild.MapPost("/threads/{threadId}", RebuildThreadAsync);
        return app;
    }

    public static async Task<Results<Ok<RebuildReport>, ProblemHttpResult>> RebuildReadModelAsync(
        IGrainFactory grains, IOptions<AnalyticsOptions> analytics, CancellationToken ct)
    {
        if (!analytics.Value.Enabled)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Analytics is turned off",
                detail: "This service runs with Analytics:Enabled=false, so it has no read model to rebuild.");
        }
        // One replica after the other, so that another answers dashboards while one rebuilds.
        var reports = new List<RebuildReport>();
        for (var replica = 0; replica < analytics.Value.ReplicaCount; replica++)
        {
            var grain = grains.GetGrain<IAnalyticsGrain>(replica);
            reports.Add(await GrainRetry.CallAsync(grain.RebuildAsync, ct));
        }
        return TypedResults.Ok(RebuildReport.Combine(reports));
    }

    public static Task<Results<Ok<RebuildReport>, ProblemHttpResult>> RebuildUserAsync(string userId, IGrainFactory grains, CancellationToken ct) =>
        StreamAsync(grains.GetGrain<IUserGrain>(userId), "user", userId, ct);

    public static Task<Results<Ok<RebuildReport>, ProblemHttpResult>> RebuildIdeaAsync(string ideaId, IGrainFactory grains, CancellationToken ct) =>
        StreamAsync(grains.GetGrain<IIdeaGrain>(ideaId), "idea", ideaId, ct);

    public static Task<Results<Ok<RebuildReport>, ProblemHttpResult>> RebuildThreadAsync(string threadId, IGrainFactory grains, CancellationToken ct) =>
        StreamAsync(grains.GetGrain<IThreadGrain>(threadId), "thread", threadId, ct);

    /// <summary>An id whose stream holds no event is unknown (404), as the reads answer it.</summary>
    private static async Task<Results<Ok<RebuildReport>, ProblemHttpResult>> StreamAsync(
        IRebuildableGrain grain, string what, string id, CancellationToken ct)
    {
        var report = await GrainRetry.CallAsync(grain.RebuildAsync, ct);
        return report.EventsFolded == 0 ? Problems.NotFound(what, id) : TypedResults.Ok(report);
    }
}
