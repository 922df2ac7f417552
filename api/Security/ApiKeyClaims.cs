using System.Security.Claims;

namespace Collaboration.Api.Security;

/// <summary>
/// The claims an authenticated request carries. The rate limiter reads the key id and the key's own rate by these
/// exact names: keep them.
/// </summary>
public static class ApiKeyClaims
{
    /// <summary>The key's public id; absent in keyless loopback mode.</summary>
    public const string KeyId = "collab:key_id";

    /// <summary>One claim per scope the request holds.</summary>
    public const string Scope = "scope";

    /// <summary>The key's own events-per-second budget, present only when the key has one.</summary>
    public const string EventsPerSecond = "collab:events_per_second";

    public static string? KeyIdOf(ClaimsPrincipal user) => user.FindFirst(KeyId)?.Value;
}
