using System.Globalization;
using Collaboration.Analytics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Collaboration.Health;

/// <summary>
/// The participation read model is within <see cref="HealthOptions.MaxReadModelLag"/> (and the optional position
/// limit). The analytics grain answers from memory, interleaved with its catch-up, so the probe never waits for a fold.
/// </summary>
public sealed class ReadModelLagHealthCheck(IGrainFactory grains, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limits = options.Value;
        ReadModelLag lag;
        try
        {
            lag = await grains.GetGrain<IAnalyticsGrain>(0).GetLagAsync().WaitAsync(limits.Timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The read model did not answer.");
        }
        var data = new Dictionary<string, object>
        {
            ["lagSeconds"] = Math.Round(lag.Time.TotalSeconds, 3),
            ["lagPositions"] = lag.Positions,
        };
        if (lag.Time > limits.MaxReadModelLag)
        {
            return HealthCheckResult.Unhealthy(string.Create(CultureInfo.InvariantCulture,
                $"The read model is {lag.Time.TotalSeconds:0.###} s behind the journal (max {limits.MaxReadModelLag.TotalSeconds:0.###} s)."), data: data);
        }
        if (lag.Positions > limits.MaxReadModelLagPositions)
        {
            return HealthCheckResult.Unhealthy(string.Create(CultureInfo.InvariantCulture,
                $"The read model is {lag.Positions} positions behind the journal (max {limits.MaxReadModelLagPositions})."), data: data);
        }
        return HealthCheckResult.Healthy(data: data);
    }
}
