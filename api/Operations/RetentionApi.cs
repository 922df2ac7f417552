using Collaboration.Api.Http;
using Collaboration.Api.OpenApi;
using Collaboration.Api.Security;
using Collaboration.Retention;
using Collaboration.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collaboration.Api.Operations;

/// <summary>A retention sweep now, for operators (admin scope): what the silos otherwise do every interval.</summary>
public static class RetentionApi
{
    public static IEndpointRouteBuilder MapRetentionApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/admin/retention/sweep", SweepAsync).WithTags("Admin").RequireScope(ApiKeyScopes.Admin).ProducesApiProblems();
        return app;
    }

    public static async Task<Ok<RetentionReport>> SweepAsync(IGrainFactory grains, CancellationToken ct) =>
        TypedResults.Ok(await GrainRetry.CallAsync(() => grains.GetGrain<IRetentionGrain>(0).SweepAsync(), ct));
}
