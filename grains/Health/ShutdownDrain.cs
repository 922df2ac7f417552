using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collaboration.Health;

/// <summary>
/// On a graceful stop (SIGTERM), readiness fails first and the process keeps serving for
/// <see cref="HealthOptions.ShutdownDelay"/>. The host calls every <see cref="IHostedLifecycleService.StoppingAsync"/>
/// before any hosted service's StopAsync, so Kestrel and the silo are still running during the delay.
/// </summary>
public sealed class ShutdownDrain(IOptions<HealthOptions> options, ILogger<ShutdownDrain> logger) : IHostedLifecycleService, IHealthCheck
{
    private volatile bool stopping;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        stopping = true;
        var delay = options.Value.ShutdownDelay;
        if (delay > TimeSpan.Zero)
        {
            logger.LogInformation("Stopping: not ready, serving for {Delay} more", delay);
            try
            {
                await Task.Delay(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The host's shutdown timeout ended the wait; stopping goes on.
            }
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(stopping ? HealthCheckResult.Unhealthy("The process is shutting down.") : HealthCheckResult.Healthy());

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
