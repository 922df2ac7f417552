using Collaboration.Api.Http;
using Collaboration.Api.OpenApi;
using Collaboration.Api.Security;
using Collaboration.Api.Validation;
using Collaboration.Threads;
using Collaboration.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collaboration.Api.Apis;

/// <summary>Threads inside ideas.</summary>
public static class ThreadsApi
{
    public static IEndpointRouteBuilder MapThreadsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/threads").WithTags("Threads").RequireScope(ApiKeyScopes.StatsRead).ProducesApiProblems()
            .ProducesProblems(StatusCodes.Status404NotFound).ValidateArguments()
            .MapGet("/{threadId}", GetThreadAsync);
        return app;
    }

    public static async Task<Results<Ok<ThreadView>, ProblemHttpResult>> GetThreadAsync(string threadId, IGrainFactory grains, CancellationToken ct)
    {
        var view = await GrainRetry.CallAsync(() => grains.GetGrain<IThreadGrain>(threadId).GetAsync(), ct);
        return view is null ? Problems.NotFound("thread", threadId) : TypedResults.Ok(view);
    }
}
