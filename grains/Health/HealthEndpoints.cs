using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Collaboration.Health;

/// <summary>
/// Liveness and readiness for the api and the silos, on ASP.NET Core health checks. Live runs only checks tagged
/// <see cref="HealthTags.Live"/> (the process answers; never storage or another silo), ready only those tagged
/// <see cref="HealthTags.Ready"/>. Both answer 200 when healthy and 503 when not, with a small JSON body.
/// </summary>
public static class HealthEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    /// <summary>Options, the live check and the shutdown drain (a ready check); callers add their ready checks.</summary>
    public static IHealthChecksBuilder AddCollaborationHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection("Health"));
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService(provider => provider.GetRequiredService<ShutdownDrain>());
        return services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy(), HealthTags.LiveOnly)
            .AddCheck<ShutdownDrain>("shutdown", tags: HealthTags.ReadyOnly);
    }

    /// <summary>Maps <see cref="LivePath"/> and <see cref="ReadyPath"/>, anonymous: probes carry no key.</summary>
    public static IEndpointRouteBuilder MapCollaborationHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapProbe(LivePath, HealthTags.Live);
        endpoints.MapProbe(ReadyPath, HealthTags.Ready);
        return endpoints;
    }

    /// <summary>
    /// Short-circuited at routing: no authentication, rate limiting or other middleware runs, since the api's key
    /// authentication reads the key store (storage) even for a request without a key, and live must never need storage.
    /// </summary>
    public static IEndpointConventionBuilder MapProbe(this IEndpointRouteBuilder endpoints, string path, string tag) =>
        endpoints.MapHealthChecks(path, Options(tag)).AllowAnonymous().ShortCircuit();

    public static HealthCheckOptions Options(string tag) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResponseWriter = WriteAsync,
    };

    // Status, and per check its status, a description written here (never an exception's message, which may name
    // hosts) and the read model's lag numbers.
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        }, cancellationToken: context.RequestAborted);
    }
}
