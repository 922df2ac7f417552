using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Collaboration.Api.Operations;
using Collaboration.Security;
using Microsoft.Extensions.Primitives;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Collaboration.Api.Security;

/// <summary>
/// Authenticates a request by its API key (<c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>); ASP.NET
/// Core ships no such handler. Under the operators' dashboard path a key may also come as the password of Basic
/// credentials, which a browser prompts for. A malformed key, a bad checksum, an unknown or revoked id and a wrong secret all fail
/// alike, so the answer never tells whether a key exists. While no key is active (keyless mode) a request from a
/// loopback address without a key gets every scope, and any other request is refused.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyCache keys, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    // Hashed in place of a missing key, so an unknown id costs the same work as a wrong secret.
    private static readonly ApiKeyRecord NoKey = new("", "", [], ApiKeyFormat.NewSalt(), new byte[32], null, DateTimeOffset.MinValue, null);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedKey() is not { } presented)
        {
            return IsLoopback(Context.Connection.RemoteIpAddress) && !await keys.AnyActiveAsync()
                ? Success(new Claim(ClaimTypes.Name, "keyless loopback"), ApiKeyScopes.All, rate: null, keyId: null)
                : AuthenticateResult.NoResult();
        }
        if (!ApiKeyFormat.TryParse(presented, out var keyId, out var secret))
        {
            return AuthenticateResult.Fail("malformed API key");
        }
        var key = await keys.FindActiveAsync(keyId);
        if (!ApiKeyFormat.Matches(key ?? NoKey, secret) || key is null)
        {
            return AuthenticateResult.Fail("unknown, revoked or wrong API key");
        }
        return Success(new Claim(ClaimTypes.Name, key.Name), key.Scopes, key.EventsPerSecond, key.KeyId);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // A browser prompts for a Basic password, the only way it can send a key to the dashboard page it opens.
        Response.Headers.WWWAuthenticate = OperationsApi.AcceptsBasicCredentials(Request)
            ? new StringValues(["Bearer", "Basic realm=\"Collaboration operations\", charset=\"UTF-8\""])
            : "Bearer";
        return WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized",
            "a valid API key is required: send it as Authorization: Bearer <key> or X-Api-Key: <key>");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var required = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
            .Select(data => data.Policy).OfType<string>().Distinct().ToList() ?? [];
        var message = required.Count > 0
            ? $"this key lacks the scope {string.Join(" and ", required.Select(scope => $"'{scope}'"))}"
            : "this key may not do this";
        return WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", message);
    }

    /// <summary>The key sent, "" for an Authorization header of another scheme (a failure, not an absence), or null.</summary>
    private string? PresentedKey()
    {
        var authorization = Request.Headers.Authorization;
        if (authorization.Count > 0)
        {
            var value = authorization.Count == 1 ? authorization[0] ?? "" : "";
            if (value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && OperationsApi.AcceptsBasicCredentials(Request))
            {
                return BasicPassword(value["Basic ".Length..].Trim());
            }
            return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value["Bearer ".Length..].Trim() : "";
        }
        var header = Request.Headers["X-Api-Key"];
        return header.Count switch
        {
            0 => null,
            1 => header[0]?.Trim() ?? "",
            _ => "",
        };
    }

    /// <summary>The password of Basic credentials (any user name), or "" when they do not decode.</summary>
    private static string BasicPassword(string encoded)
    {
        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, bytes, out var length))
        {
            return "";
        }
        var credentials = Encoding.UTF8.GetString(bytes, 0, length);
        var colon = credentials.IndexOf(':');
        return colon < 0 ? "" : credentials[(colon + 1)..].Trim();
    }

    internal static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);

    private AuthenticateResult Success(Claim name, IEnumerable<string> scopes, int? rate, string? keyId)
    {
        var claims = new List<Claim> { name };
        if (keyId is not null)
        {
            claims.Add(new Claim(ApiKeyClaims.KeyId, keyId));
        }
        claims.AddRange(scopes.Select(scope => new Claim(ApiKeyClaims.Scope, scope)));
        if (rate is { } perSecond)
        {
            claims.Add(new Claim(ApiKeyClaims.EventsPerSecond, perSecond.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer32));
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ApiKeyClaims.Scope));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private async Task WriteProblemAsync(int status, string title, string message)
    {
        Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = "Authorization: " + message,
                Extensions = { ["errors"] = new Dictionary<string, string[]> { ["Authorization"] = [message] } },
            },
        });
    }
}
