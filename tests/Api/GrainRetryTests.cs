using System.Net;
using Collaboration.Api.Http;
using Collaboration.Errors;
using Microsoft.AspNetCore.Http;
using Collaboration.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Collaboration.Tests.Api;

/// <summary>
/// The api's retry of grain calls while a silo is lost (GrainRetry, a Polly pipeline). Counted in attempts, never in
/// time; the waits between attempts are the real ones (100 ms, 200 ms, ...).
/// </summary>
public sealed class GrainRetryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_silo_loss_is_retried_until_the_call_succeeds()
    {
        var attempts = 0;

        var answer = await GrainRetry.CallAsync(() => ++attempts < 3 ? throw new SiloUnavailableException("silo lost") : Task.FromResult("done"));

        Assert.Equal(("done", 3), (answer, attempts));
    }

    [Fact]
    public async Task A_storage_error_is_not_retried()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            GrainRetry.CallAsync<int>(() => { attempts++; throw new StorageUnavailableException("journal down"); }));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_cancelled_token_stops_the_retries_at_once()
    {
        using var hangUp = new CancellationTokenSource();
        var attempts = 0;

        // The client hangs up during the third attempt, which then fails like the others.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => GrainRetry.CallAsync<int>(() =>
        {
            if (++attempts == 3)
            {
                hangUp.Cancel();
            }
            throw new SiloUnavailableException("silo lost");
        }, hangUp.Token));

        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Retries_stop_within_the_30_second_budget_with_the_silo_loss()
    {
        var clock = new FakeTimeProvider();
        var retry = new GrainRetry.Retrier(clock);
        var attempts = 0;

        // Each attempt hangs 10 s before it fails: after the third, another wait would end past 30 s.
        await Assert.ThrowsAsync<TimeoutException>(() => retry.CallAsync<int>(() =>
        {
            attempts++;
            clock.Advance(TimeSpan.FromSeconds(10));
            throw new TimeoutException("no answer from the silo");
        }, CancellationToken.None));

        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_client_that_hangs_up_stops_the_retry_loop_of_its_request()
    {
        var attempts = 0;
        var secondAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlerDone = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var service = await LocalService.StartAsync(async context =>
        {
            try
            {
                await GrainRetry.CallAsync<int>(async () =>
                {
                    if (Interlocked.Increment(ref attempts) == 2)
                    {
                        // The client hangs up while this attempt is in flight; it then fails as a lost silo's call does.
                        secondAttempt.SetResult();
                        await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                    }
                    throw new SiloUnavailableException("silo lost");
                }, context.RequestAborted);
                handlerDone.SetResult(null);
            }
            catch (Exception e)
            {
                handlerDone.SetResult(e);
            }
        });
        using var hangUp = new CancellationTokenSource();
        var request = service.Client.GetAsync("read", hangUp.Token);
        await secondAttempt.Task.WaitAsync(Bound);
        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        Assert.IsAssignableFrom<OperationCanceledException>(await handlerDone.Task.WaitAsync(Bound));
        Assert.Equal(2, attempts);
    }
}
