using Collaboration.Api.Security;
using Collaboration.Security;
using Orleans.Dashboard;

namespace Collaboration.Api.Operations;

/// <summary>Pages for operators. /dashboard stays free for the service's own page.</summary>
public static class OperationsApi
{
    /// <summary>Where the Orleans dashboard is served: admin keys only (any loopback client in keyless mode).</summary>
    public const string OrleansDashboardPath = "/ops/orleans";

    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        // The dashboard has no authentication of its own; the whole group (page, assets, data, log stream) is admin.
        app.MapOrleansDashboard(routePrefix: OrleansDashboardPath)
            .RequireScope(ApiKeyScopes.Admin)
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>A browser opening the dashboard may send the key as a Basic password, since it cannot send a bearer.</summary>
    internal static bool AcceptsBasicCredentials(HttpRequest request) => request.Path.StartsWithSegments(OrleansDashboardPath);
}
