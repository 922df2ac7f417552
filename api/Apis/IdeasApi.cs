using Collaboration.Analytics;
using Collaboration.Api.Analytics;
using Collaboration.Api.Http;
using Collaboration.Api.Security;
using Collaboration.Api.Validation;
using Collaboration.Ideas;
using Collaboration.Reads;
using Collaboration.Security;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Collaboration.Api.Apis;

/// <summary>Ideas and their followers.</summary>
public static class IdeasApi
{
    public static IEndpointRouteBuilder MapIdeasApi(this IEndpointRouteBuilder app)
    {
        var ideas = app.MapGroup("/v1/ideas").WithTags("Ideas").RequireScope(ApiKeyScopes.StatsRead);
        ideas.MapGet("/{ideaId}", GetIdeaAsync);
        ideas.MapGet("/{ideaId}/followers", GetFollowersAsync);
        return app;
    }

    /// <summary>The idea, with its reach in the window (28d by default) while analytics is on.</summary>
    public static async Task<IResult> GetIdeaAsync(
        string ideaId, string? window, IGrainFactory grains, ApiClock clock, IOptions<AnalyticsOptions> analytics, IOptions<JsonOptions> json,
        ILogger<IAnalyticsGrain> logger, CancellationToken ct)
    {
        if (Ids.CheckEntityId("ideaId", ideaId) is { } idError)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, idError);
        }
        if (ReadWindow.Parse(window) is not { } readWindow)
        {
            return Problems.BadRequest("window", "must be one of 7d, 28d, 90d, all");
        }
        var view = await GrainRetry.CallAsync(() => grains.GetGrain<IIdeaGrain>(ideaId).GetAsync(), ct);
        if (view is null)
        {
            return Problems.NotFound("idea", ideaId);
        }
        if (!analytics.Value.Enabled)
        {
            return TypedResults.Ok(view);
        }
        var through = StatsApi.CountThrough(readWindow, clock.UtcNow, asOfGiven: false);
        var reach = await StatsApi.OptionalAsync(analyticsGrain => analyticsGrain.GetIdeaReachAsync(ideaId, readWindow, through), grains, logger);
        var withReach = JsonExtras.With(view, "reach", reach is null ? null : StatsApi.ToView(reach, analytics.Value), json.Value.SerializerOptions);
        return TypedResults.Ok(withReach);
    }

    public static async Task<IResult> GetFollowersAsync(string ideaId, string? limit, string? cursor, IGrainFactory grains, CancellationToken ct)
    {
        if (Ids.CheckEntityId("ideaId", ideaId) is { } idError)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, idError);
        }
        if (Paging.TryRead(limit, cursor, out var pageSize, out var after) is { } problem)
        {
            return problem;
        }
        var page = await GrainRetry.CallAsync(() => grains.GetGrain<IIdeaGrain>(ideaId).GetFollowersAsync(pageSize, after), ct);
        return page is null ? Problems.NotFound("idea", ideaId) : TypedResults.Ok(Paging.ToResponse(page));
    }
}
