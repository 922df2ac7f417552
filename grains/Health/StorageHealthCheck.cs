using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Collaboration.Health;

/// <summary>
/// The journal answers a read. Asked through a stateless worker grain: on a silo it runs on that silo, from the api
/// on the silo the client's gateway is (the co-hosted silo when embedded).
/// </summary>
public sealed class StorageHealthCheck(IGrainFactory grains, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IHealthGrain>(0).CheckStorageAsync().WaitAsync(options.Value.Timeout, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The exception may name hosts and ports: it goes to the log, not into the anonymous answer.
            return HealthCheckResult.Unhealthy("The journal did not answer.", ex);
        }
    }
}
