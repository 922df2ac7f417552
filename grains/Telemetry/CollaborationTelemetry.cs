using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Collaboration.Telemetry;

/// <summary>
/// OpenTelemetry for every process (the api and each silo), defined once. Traces: ASP.NET Core requests, Orleans grain
/// calls (named sources; <c>AddActivityPropagation</c> is on the silo and client builders), Npgsql commands and the
/// journal's own spans. Metrics: the "Collaboration" meter, Orleans, ASP.NET Core, the runtime and Npgsql. Export:
/// Prometheus at <see cref="MetricsPath"/> (Telemetry:Prometheus, on by default) and OTLP for traces, metrics and logs
/// when OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// </summary>
public static class CollaborationTelemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>Orleans' activity sources, by name: a wildcard would also take any future source of the runtime.</summary>
    public static readonly string[] OrleansSources =
        ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Lifecycle", "Microsoft.Orleans.Storage"];

    public const string OrleansMeter = "Microsoft.Orleans";

    public static TBuilder AddCollaborationTelemetry<TBuilder>(this TBuilder builder, string serviceName)
        where TBuilder : IHostApplicationBuilder
    {
        var section = builder.Configuration.GetSection("Telemetry");
        var options = section.Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.AddOptions<TelemetryOptions>().Bind(section);
        builder.Services.AddCollaborationMetrics();
        if (options.JsonLogs)
        {
            // The host already adds TraceId, SpanId and ParentId to every scope; ASP.NET Core adds RequestId.
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        }

        var otlp = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 };
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName));
        if (options.Traces ?? otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(CollaborationTracing.SourceName)
                .AddSource(OrleansSources)
                .AddAspNetCoreInstrumentation(aspNetCore =>
                {
                    aspNetCore.Filter = context => !IsProbeOrScrape(context.Request.Path);
                    // A path may hold a person's id; the span keeps the route's template instead (README, Personal data).
                    aspNetCore.EnrichWithHttpResponse = (activity, response) => activity.SetTag("url.path",
                        (response.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)");
                })
                .AddNpgsql());
        }
        telemetry.WithMetrics(metrics =>
            {
                metrics.AddMeter(CollaborationMetrics.MeterName, OrleansMeter)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation();
                if (options.Prometheus)
                {
                    // No cached answer: two scrapes in a row see the counts of the moment.
                    metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                }
            });
        if (otlp)
        {
            // Endpoint, protocol, headers and intervals come from the standard OTEL_EXPORTER_OTLP_* settings.
            builder.Services.Configure<OpenTelemetryLoggerOptions>(logs =>
            {
                logs.IncludeScopes = true;
                logs.IncludeFormattedMessage = true;
            });
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>The service's own meter (also for hosts without the OpenTelemetry pipeline, such as test silos).</summary>
    public static IServiceCollection AddCollaborationMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<CollaborationMetrics>();
        return services;
    }

    /// <summary>
    /// Maps the Prometheus scrape endpoint at <see cref="MetricsPath"/> when Telemetry:Prometheus is on, behind
    /// <paramref name="policy"/> when given. For any host that serves HTTP: the api, and a silo's own listener.
    /// </summary>
    public static IEndpointRouteBuilder MapCollaborationMetrics(this IEndpointRouteBuilder endpoints, string? policy = null)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus)
        {
            return endpoints;
        }
        var scrape = endpoints.MapPrometheusScrapingEndpoint(MetricsPath);
        if (policy is not null)
        {
            scrape.RequireAuthorization(policy);
        }
        return endpoints;
    }

    /// <summary>Scrapes and health probes come every few seconds and would drown the traces that matter.</summary>
    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/health");
}
