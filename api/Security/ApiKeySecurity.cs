using Collaboration.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace Collaboration.Api.Security;

/// <summary>
/// API keys: authentication, one authorization policy per scope (named after the scope), and a fallback policy so
/// that an endpoint without a scope of its own still needs a valid key. /health opts out explicitly.
/// </summary>
public static class ApiKeySecurity
{
    public static WebApplicationBuilder AddApiKeySecurity(this WebApplicationBuilder builder)
    {
        const string scheme = ApiKeyAuthenticationHandler.SchemeName;
        builder.Services.AddOptions<ApiKeyOptions>().Bind(builder.Configuration.GetSection("ApiKeys"));
        builder.Services.AddSingleton<ApiKeyCache>();
        builder.Services.AddAuthentication(scheme).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(scheme, null);
        var authorization = builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(scheme).RequireAuthenticatedUser().Build());
        foreach (var scope in ApiKeyScopes.All)
        {
            authorization.AddPolicy(scope, policy => policy.AddAuthenticationSchemes(scheme).RequireClaim(ApiKeyClaims.Scope, scope));
        }
        builder.Services.AddHostedService<KeylessModeGuard>();
        return builder;
    }

    /// <summary>Requests to these endpoints need a key with <paramref name="scope"/> (401 without a valid key, 403 without the scope).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(scope);

    /// <summary>Runs the service; a refusal to start is printed as such, the silo stops cleanly, and the exit code is 2.</summary>
    public static async Task<int> RunCollaborationAsync(this WebApplication app)
    {
        await using (app)
        {
            try
            {
                await app.StartAsync();
            }
            catch (UnsafeStartException refusal)
            {
                await Console.Error.WriteLineAsync(refusal.Message);
                await app.StopAsync();
                return 2;
            }
            await app.WaitForShutdownAsync();
            return 0;
        }
    }
}
