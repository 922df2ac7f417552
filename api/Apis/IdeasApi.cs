using Collaboration.Analytics;
using Collaboration.Api.OpenApi;
using Collaboration.Api.Responses;
using Collaboration.Api.Analytics;
using Collaboration.Api.Http;
using Collaboration.Api.Security;
using Collaboration.Api.Validation;
using Collaboration.Ideas;
using Collaboration.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Collaboration.Api.Apis;

/// <summary>Ideas and their followers.</summary>
public static class IdeasApi
{
    public static IEndpointRouteBuilder MapIdeasApi(this IEndpointRouteBuilder app)
    {
        var ideas = app.MapGroup("/v1/ideas").WithTags("Ideas").RequireScope(ApiKeyScopes.StatsRead).ProducesApiProblems()
            .ProducesProblems(StatusCodes.Status404NotFound).ValidateArguments();
        ideas.MapGet("/{ideaId}", GetIdeaAsync);
        ideas.MapGet("/{ideaId}/followers", GetFollowersAsync);
        return app;
    }

    /// <summary>The idea, with its reach in the window (28d by default) while analytics is on.</summary>
    public static async Task<Results<Ok<IdeaResponse>, ProblemHttpResult>> GetIdeaAsync(
        string ideaId, [AsParameters] WindowQuery query, IGrainFactory grains, ReadModelReads reads, ApiClock clock, IOptions<AnalyticsOptions> analytics,
        ILogger<IAnalyticsGrain> logger, CancellationToken ct)
    {
        var view = await GrainRetry.CallAsync(() => grains.GetGrain<IIdeaGrain>(ideaId).GetAsync(), ct);
        if (view is null)
        {
            return Problems.NotFound("idea", ideaId);
        }
        if (!analytics.Value.Enabled)
        {
            return TypedResults.Ok(IdeaResponse.Of(view, null));
        }
        var through = StatsApi.CountThrough(query.Window, clock.UtcNow, asOfGiven: false);
        var reach = await StatsApi.OptionalAsync(analyticsGrain => analyticsGrain.GetIdeaReachAsync(ideaId, query.Window, through), reads, logger);
        return TypedResults.Ok(IdeaResponse.Of(view, reach));
    }

    public static async Task<Results<Ok<PageResponse>, ProblemHttpResult>> GetFollowersAsync(
        string ideaId, [AsParameters] PageQuery query, IGrainFactory grains, CancellationToken ct)
    {
        var page = await GrainRetry.CallAsync(() => grains.GetGrain<IIdeaGrain>(ideaId).GetFollowersAsync(query.PageSize, query.After), ct);
        return page is null ? Problems.NotFound("idea", ideaId) : TypedResults.Ok(Paging.ToResponse(page));
    }
}
