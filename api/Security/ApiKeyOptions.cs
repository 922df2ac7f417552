namespace Collaboration.Api.Security;

/// <summary>The "ApiKeys" configuration section.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>
    /// How long a replica trusts what it looked up about a key (and whether any key exists). It bounds how long a
    /// revoked key still works on a replica, and saves a grain call per request for the keys in use.
    /// </summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(2);
}
