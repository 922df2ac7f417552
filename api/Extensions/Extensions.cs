using System.Text.Json.Serialization;
using Collaboration.Api.Apis;
using Collaboration.Api.Http;
using Collaboration.Hosting;

namespace Collaboration.Api.Extensions;

public static class Extensions
{
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>
    /// The embedded default: this process co-hosts one silo (localhost clustering) with the SQLite journal, so
    /// <c>dotnet run --project api</c> is the whole system. ASPNETCORE_URLS (or --urls) replaces the default address.
    /// </summary>
    public static WebApplicationBuilder AddCollaborationApi(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        var orleans = builder.Configuration.GetSection("Orleans");
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(
                siloPort: orleans.GetValue("SiloPort", 11111),
                gatewayPort: orleans.GetValue("GatewayPort", 30000),
                primarySiloEndpoint: null)
            .AddCollaborationGrains(builder.Configuration));

        builder.Services.AddSingleton(new ApiClock(TimeProvider.System));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<TransientFailureHandler>();
        builder.Services.AddHealthChecks();
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        return builder;
    }

    public static WebApplication MapCollaborationApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health");
        app.MapEventsApi();
        app.MapUsersApi();
        app.MapIdeasApi();
        app.MapThreadsApi();
        return app;
    }
}
