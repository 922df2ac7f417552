using Collaboration.Api.Http;
using Collaboration.Api.Validation;
using Collaboration.Ideas;

namespace Collaboration.Api.Apis;

/// <summary>Ideas and their followers.</summary>
public static class IdeasApi
{
    public static IEndpointRouteBuilder MapIdeasApi(this IEndpointRouteBuilder app)
    {
        var ideas = app.MapGroup("/v1/ideas").WithTags("Ideas");
        ideas.MapGet("/{ideaId}", GetIdeaAsync);
        ideas.MapGet("/{ideaId}/followers", GetFollowersAsync);
        return app;
    }

    public static async Task<IResult> GetIdeaAsync(string ideaId, IGrainFactory grains)
    {
        if (Ids.CheckEntityId("ideaId", ideaId) is { } idError)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, idError);
        }
        var view = await GrainRetry.CallAsync(() => grains.GetGrain<IIdeaGrain>(ideaId).GetAsync());
        return view is null ? Problems.NotFound("idea", ideaId) : TypedResults.Ok(view);
    }

    public static async Task<IResult> GetFollowersAsync(string ideaId, string? limit, string? cursor, IGrainFactory grains)
    {
        if (Ids.CheckEntityId("ideaId", ideaId) is { } idError)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, idError);
        }
        if (Paging.TryRead(limit, cursor, out var pageSize, out var after) is { } problem)
        {
            return problem;
        }
        var page = await GrainRetry.CallAsync(() => grains.GetGrain<IIdeaGrain>(ideaId).GetFollowersAsync(pageSize, after));
        return page is null ? Problems.NotFound("idea", ideaId) : TypedResults.Ok(Paging.ToResponse(page));
    }
}
