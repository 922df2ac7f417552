using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Collaboration.Health;

/// <summary>This silo is Active in the cluster membership (not joining, shutting down or declared dead).</summary>
public sealed class SiloStatusHealthCheck(ISiloStatusOracle membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(membership.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"The silo is {membership.CurrentStatus} in the membership."));
}
