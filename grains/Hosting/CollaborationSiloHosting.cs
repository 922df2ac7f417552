using Collaboration.Health;
using Collaboration.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Collaboration.Hosting;

/// <summary>
/// What a silo process is (silo/Program.cs), in one place so that the tests' in-process cluster silos are the same:
/// Orleans with the grains, telemetry, and an HTTP listener on <c>Health:Port</c> only, serving /health/live,
/// /health/ready (this silo's storage answers and it is Active in the membership) and the Prometheus scrape at /metrics.
/// The storage is prepared before (<see cref="CollaborationHostingExtensions.PrepareStorageAsync"/>).
/// </summary>
public static class CollaborationSiloHosting
{
    /// <summary>Adds the silo's services; <paramref name="configure"/> adds to the silo (a deployment's or a test's).</summary>
    public static WebApplicationBuilder AddCollaborationSilo(this WebApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        builder.AddCollaborationTelemetry("collaboration-silo");
        builder.UseOrleans(silo =>
        {
            silo.AddCollaborationGrains(builder.Configuration);
            configure?.Invoke(silo);
        });
        builder.Services.AddCollaborationHealth(builder.Configuration)
            .AddCheck<SiloStatusHealthCheck>("membership", tags: HealthTags.ReadyOnly)
            .AddCheck<StorageHealthCheck>("storage", tags: HealthTags.ReadyOnly);
        // The port is the pod's own, not the API's; without one the silo opens no HTTP port at all.
        if (builder.Configuration.GetValue<int?>("Health:Port") is { } port)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
        }
        else
        {
            builder.Services.AddSingleton<IServer, NoHttpServer>();
        }
        return builder;
    }

    /// <summary>Maps what <see cref="AddCollaborationSilo"/> serves.</summary>
    public static WebApplication MapCollaborationSilo(this WebApplication app)
    {
        app.MapCollaborationHealth();
        app.MapCollaborationMetrics();
        return app;
    }
}
