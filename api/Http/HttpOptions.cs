using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Collaboration.Api.Http;

/// <summary>
/// Limits that keep slow or abandoned clients from holding the server's connections and memory. Bound from the "Http"
/// configuration section; the defaults and their reasons are in README's Configuration table.
/// </summary>
public sealed class HttpOptions
{
    /// <summary>Time to receive the request line and headers. Apps send them in one packet; 10 s leaves room for a slow link.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An idle keep-alive connection is closed after this; longer than the usual 60 s of proxies, so they close first.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(75);

    /// <summary>Slowest request body accepted after the grace period, in bytes/s; 0 turns the check off.</summary>
    public double MinRequestBodyBytesPerSecond { get; set; } = 4096;

    /// <summary>Slowest reader of an answer accepted after the grace period, in bytes/s; 0 turns the check off.</summary>
    public double MinResponseBytesPerSecond { get; set; } = 1024;

    /// <summary>How long a body or an answer may be slower than its minimum rate (more than 1 s, Kestrel's tick).</summary>
    public TimeSpan MinDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The whole request body must arrive within this, whatever its rate: a 64 MiB import needs about 4.5 Mbit/s.</summary>
    public TimeSpan BodyReadTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Open connections; past it Kestrel closes new ones at once.</summary>
    public long MaxConcurrentConnections { get; set; } = 1000;

    /// <summary>Upgraded (WebSocket) connections: the API has no such endpoint.</summary>
    public long MaxConcurrentUpgradedConnections { get; set; }

    /// <summary>Request line excluded; an app sends a few hundred bytes, proxies and tracing add some.</summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 16 * RequestBody.KiB;

    public int MaxRequestHeaderCount { get; set; } = 50;

    public void ApplyTo(KestrelServerLimits limits)
    {
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.KeepAliveTimeout = KeepAliveTimeout;
        limits.MinRequestBodyDataRate = MinRequestBodyBytesPerSecond > 0 ? new MinDataRate(MinRequestBodyBytesPerSecond, MinDataRateGracePeriod) : null;
        limits.MinResponseDataRate = MinResponseBytesPerSecond > 0 ? new MinDataRate(MinResponseBytesPerSecond, MinDataRateGracePeriod) : null;
        limits.MaxConcurrentConnections = MaxConcurrentConnections;
        limits.MaxConcurrentUpgradedConnections = MaxConcurrentUpgradedConnections;
        limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
        limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
    }
}
