using System.Diagnostics;
using Collaboration.Telemetry;

namespace Collaboration.Journal.Postgres;

/// <summary>
/// Group commit on PostgreSQL: work that arrives while batches are being written waits in a queue, and each of up to
/// <paramref name="writers"/> writers takes everything queued (up to <paramref name="maxBatchItems"/> items; one
/// larger piece of work goes alone) and hands it to <paramref name="writeBatch"/>, which writes it in one transaction
/// and answers each piece. An idle silo writes at once; a busy one writes bigger batches. Each piece of work has a
/// span "journal {operation}" in its caller's trace, each batch a span "journal commit" linked to them. A failed batch
/// fails every piece of it: nothing of it was written, and each caller may retry.
/// </summary>
internal sealed class PostgresGroupCommit<TWork, TResult>(
    int writers, int maxBatchItems, Func<List<TWork>, Task<TResult[]>> writeBatch, CollaborationMetrics? metrics)
{
    private const string Store = "postgresql";

    private readonly Lock gate = new();
    private readonly Queue<Pending> queue = new();
    private int writing;

    /// <summary>Queues <paramref name="work"/> (<paramref name="items"/> of the batch's size) and completes with its answer.</summary>
    public async Task<TResult> WriteAsync(string operation, TWork work, int items, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        using var activity = CollaborationTracing.StartWrite(operation, Store);
        var pending = new Pending(work, items, ct, activity?.Context ?? default);
        bool start;
        lock (gate)
        {
            queue.Enqueue(pending);
            start = writing < writers;
            if (start)
            {
                writing++;
            }
        }
        if (start)
        {
            // On the thread pool: a writer must not run on the caller's scheduler (a grain activation's, in a silo).
            _ = Task.Run(WriteQueuedAsync, CancellationToken.None);
        }
        return await pending.Result.Task.WaitAsync(ct);
    }

    private async Task WriteQueuedAsync()
    {
        // Task.Run brought the first caller's span along; the batches serve every caller.
        Activity.Current = null;
        while (true)
        {
            var batch = new List<Pending>();
            lock (gate)
            {
                var size = 0;
                while (queue.TryPeek(out var next) && (batch.Count == 0 || size + next.Items <= maxBatchItems))
                {
                    queue.Dequeue();
                    // A caller that gave up before its work was taken finds nothing written; once taken, it is written
                    // whatever the caller's token says, like a commit that was already on its way.
                    if (next.Ct.IsCancellationRequested)
                    {
                        next.Result.TrySetCanceled(next.Ct);
                        continue;
                    }
                    batch.Add(next);
                    size += next.Items;
                }
                if (batch.Count == 0)
                {
                    writing--;
                    return;
                }
            }
            var started = Stopwatch.GetTimestamp();
            using var commit = CollaborationTracing.StartCommit(Store, batch.Select(pending => pending.Context), batch.Count);
            try
            {
                var results = await writeBatch(batch.Select(pending => pending.Work).ToList());
                metrics?.CommitWritten(Store, Stopwatch.GetElapsedTime(started), batch.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.TrySetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                commit?.SetStatus(ActivityStatusCode.Error, ex.Message);
                batch.ForEach(pending => pending.Result.TrySetException(ex));
            }
        }
    }

    private sealed record Pending(TWork Work, int Items, CancellationToken Ct, ActivityContext Context)
    {
        public TaskCompletionSource<TResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
