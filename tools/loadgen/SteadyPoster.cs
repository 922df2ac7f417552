using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Collaboration.LoadGen;

/// <summary>
/// Posts event lines one at a time to <c>POST /v1/events</c> from several workers, each line again and again until the
/// service acknowledges it (202 accepted, or 200 duplicate), as an app riding out a failover would, until it is
/// stopped. What <see cref="StopAsync"/> returns is exactly the set of acknowledged lines, for an oracle to fold. The
/// failover test and benchmark share it; it does not run in the <c>post</c> command.
/// </summary>
public sealed class SteadyPoster(HttpClient client, IEnumerable<string> lines)
{
    /// <summary>The pause before posting an unacknowledged line again.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentQueue<string> queue = new(lines);
    private readonly ConcurrentQueue<string> acknowledged = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> milestones = new();
    private readonly CancellationTokenSource stop = new();
    private Task? workers;
    private int retries;

    public int Acknowledged => acknowledged.Count;

    /// <summary>Posts answered with anything but an acknowledgement (or not answered), each followed by another try.</summary>
    public int Retries => Volatile.Read(ref retries);

    public void Start(int concurrency) => workers = RunAsync(concurrency);

    /// <summary>
    /// Completes once <paramref name="count"/> lines are acknowledged; fails if posting ends first: the lines ran out,
    /// it was stopped, or a line was refused for good (a 4xx other than 408 and 429).
    /// </summary>
    public Task Reached(int count)
    {
        var reached = milestones.GetOrAdd(count, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Acknowledged >= count)
        {
            reached.TrySetResult();
        }
        else if (workers is { IsCompleted: true })
        {
            reached.TrySetException(workers.Exception?.InnerException ?? new InvalidOperationException($"posting ended at {Acknowledged} acknowledged lines"));
        }
        return reached.Task;
    }

    /// <summary>Takes no new line, waits until every line taken is acknowledged, and returns those lines.</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        await stop.CancelAsync();
        await (workers ?? Task.CompletedTask);
        return [.. acknowledged];
    }

    private async Task RunAsync(int concurrency)
    {
        Exception? failure = null;
        try
        {
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkAsync)));
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            // Every worker has ended: a milestone not reached now never will be.
            foreach (var (count, reached) in milestones)
            {
                if (Acknowledged < count)
                {
                    reached.TrySetException(failure ?? new InvalidOperationException($"posting ended at {Acknowledged} acknowledged lines"));
                }
            }
        }
    }

    private async Task WorkAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested && queue.TryDequeue(out var line))
            {
                while (!await TryPostAsync(line))
                {
                    Interlocked.Increment(ref retries);
                    await Task.Delay(RetryDelay);
                }
                acknowledged.Enqueue(line);
                foreach (var (count, reached) in milestones)
                {
                    if (Acknowledged >= count)
                    {
                        reached.TrySetResult();
                    }
                }
            }
        }
        catch
        {
            // A line refused for good: the other workers stop too, as nothing can make it acknowledged.
            await stop.CancelAsync();
            throw;
        }
    }

    private async Task<bool> TryPostAsync(string line)
    {
        try
        {
            using var content = new StringContent(line, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync("v1/events", content);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }
            if ((int)response.StatusCode is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests))
            {
                throw new InvalidOperationException($"{line} was refused: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            // No answer (the api lost its connection, or the client's timeout): the event may or may not be stored.
            return false;
        }
    }
}
