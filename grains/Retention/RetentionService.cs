using Collaboration.Journal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collaboration.Retention;

/// <summary>
/// Sweeps every <see cref="JournalOptions.RetentionSweepEvery"/> while retention is on. Each silo runs one: sweeps
/// that meet delete each row once (a row already gone is not counted again).
/// </summary>
public sealed class RetentionService(RetentionSweep sweep, IOptions<JournalOptions> options, TimeProvider clock, ILogger<RetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RetentionDays == 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.RetentionSweepEvery, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await sweep.RunAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick tries again; nothing is half-deleted (each chunk is one statement or one commit).
                logger.LogWarning(ex, "A retention sweep failed");
            }
        }
    }
}
