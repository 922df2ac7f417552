using System.Globalization;
using Collaboration.Analytics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Collaboration.Health;

/// <summary>
/// A replica of the participation read model is within <see cref="HealthOptions.MaxReadModelLag"/> (and the optional
/// position limit): dashboards are answered by whichever replica answers, so one that is reloading after a failover
/// does not make the service unready while another is current. Each replica answers from memory, interleaved with its
/// catch-up, so the probe never waits for a fold; the data names every replica's lag.
/// </summary>
public sealed class ReadModelLagHealthCheck(IGrainFactory grains, IOptions<HealthOptions> options, IOptions<AnalyticsOptions> analytics) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limits = options.Value;
        var lags = await Task.WhenAll(Enumerable.Range(0, analytics.Value.ReplicaCount).Select(async replica =>
        {
            try
            {
                return await grains.GetGrain<IAnalyticsGrain>(replica).GetLagAsync().WaitAsync(limits.Timeout, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }));
        var data = new Dictionary<string, object>();
        for (var replica = 0; replica < lags.Length; replica++)
        {
            var prefix = lags.Length == 1 ? "" : $"replica{replica}.";
            data[prefix + "lagSeconds"] = lags[replica] is { } lag ? Math.Round(lag.Time.TotalSeconds, 3) : "no answer";
            data[prefix + "lagPositions"] = lags[replica] is { } known ? known.Positions : "no answer";
        }
        var answered = lags.OfType<ReadModelLag>().ToList();
        if (answered.Count == 0)
        {
            return HealthCheckResult.Unhealthy("The read model did not answer.", data: data);
        }
        if (answered.Exists(lag => lag.Time <= limits.MaxReadModelLag && !(lag.Positions > limits.MaxReadModelLagPositions)))
        {
            return HealthCheckResult.Healthy(data: data);
        }
        var best = answered.MinBy(lag => lag.Time)!;
        return HealthCheckResult.Unhealthy(best.Time > limits.MaxReadModelLag
            ? string.Create(CultureInfo.InvariantCulture,
                $"The read model is {best.Time.TotalSeconds:0.###} s behind the journal (max {limits.MaxReadModelLag.TotalSeconds:0.###} s).")
            : string.Create(CultureInfo.InvariantCulture,
                $"The read model is {best.Positions} positions behind the journal (max {limits.MaxReadModelLagPositions})."), data: data);
    }
}
