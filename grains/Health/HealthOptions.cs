namespace Collaboration.Health;

/// <summary>The "Health" configuration section, read by the api and by every silo.</summary>
public sealed class HealthOptions
{
    /// <summary>How long one check (a storage read, a grain call) may take before readiness reports it failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Readiness fails when the read model last held everything the journal had committed longer ago.</summary>
    public TimeSpan MaxReadModelLag { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Optional: readiness also fails when the read model is more feed positions behind (see ReadModelLag).</summary>
    public long? MaxReadModelLagPositions { get; set; }

    /// <summary>
    /// After SIGTERM, how long the process keeps serving with readiness failing before it stops, so load balancers
    /// and Kubernetes stop routing to it first. Counts against the host's shutdown timeout.
    /// </summary>
    public TimeSpan ShutdownDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Silos only: the port of the HTTP listener for the health endpoints; none when unset.</summary>
    public int? Port { get; set; }
}
