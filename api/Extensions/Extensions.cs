using Collaboration.Analytics;
using Collaboration.Api.Analytics;
using Collaboration.Api.Apis;
using Collaboration.Api.Dashboard;
using Collaboration.Api.Http;
using Collaboration.Api.Operations;
using Collaboration.Api.OpenApi;
using Collaboration.Api.Security;
using Collaboration.Health;
using Collaboration.Hosting;
using Collaboration.Security;
using Collaboration.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Collaboration.Journal;
using Microsoft.Extensions.Options;

namespace Collaboration.Api.Extensions;

public static class Extensions
{
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>
    /// Embedded (the default): this process co-hosts one silo with the SQLite journal, so <c>dotnet run --project api</c>
    /// is the whole system. Cluster: the api is a stateless gateway client of the silos. ASPNETCORE_URLS (or --urls)
    /// replaces the default address.
    /// </summary>
    public static WebApplicationBuilder AddCollaborationApi(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        if (builder.Configuration.Mode() == DeploymentMode.Embedded)
        {
            builder.UseOrleans(silo => silo.AddCollaborationGrains(builder.Configuration));
        }
        else
        {
            builder.UseOrleansClient(client => client.AddCollaborationClient(builder.Configuration).AddCollaborationOperations());
        }

        builder.Services.AddOptions<HttpOptions>().BindConfiguration("Http");
        // The api refuses events older than the retention (Journal:RetentionDays), so it reads it too in cluster mode.
        builder.Services.AddOptions<JournalOptions>().BindConfiguration("Journal");
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<HttpOptions>>((kestrel, http) => http.Value.ApplyTo(kestrel.Limits));
        builder.Services.AddSingleton(services => new ApiClock(TimeProvider.System, services.GetRequiredService<IOptions<AnalyticsOptions>>().Value.HorizonDays));
        builder.Services.AddAnalyticsOptions(builder.Configuration);
        builder.Services.AddSingleton<ReadModelReads>();
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = Problems.Complete);
        builder.Services.AddExceptionHandler<TransientFailureHandler>();
        var health = builder.Services.AddCollaborationHealth(builder.Configuration)
            .AddCheck<ClusterHealthCheck>("cluster", tags: HealthTags.ReadyOnly)
            .AddCheck<StorageHealthCheck>("storage", tags: HealthTags.ReadyOnly);
        if (builder.Configuration.GetValue("Analytics:Enabled", true))
        {
            health.AddCheck<ReadModelLagHealthCheck>("read-model", tags: HealthTags.ReadyOnly);
        }
        builder.AddApiKeySecurity();
        builder.AddEventQuotas();
        builder.AddCollaborationTelemetry("collaboration-api");
        builder.AddApiReference();
        return builder;
    }

    public static WebApplication MapCollaborationApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDashboardPage();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapCollaborationHealth();
        // The address probes used before /health/live and /health/ready existed: readiness.
        app.MapProbe("/health", HealthTags.Ready);
        app.MapCollaborationMetrics(ApiKeyScopes.Admin);
        app.MapEventsApi();
        app.MapUsersApi();
        app.MapIdeasApi();
        app.MapThreadsApi();
        app.MapStatsApi();
        app.MapSuggestionsApi();
        app.MapOperationsApi();
        app.MapRebuildApi();
        app.MapRetentionApi();
        app.MapApiReference();
        return app;
    }
}
