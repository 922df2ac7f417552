using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Collaboration.Journal.Postgres;

/// <summary>
/// Tells this process about the commits of every process that writes the events: each batch of
/// <see cref="PostgresEventStore"/> sends a NOTIFY on <see cref="Channel"/> once it has committed, and one connection per process LISTENs and pulses the store's
/// <see cref="CommitSignal"/>. A read model on one silo then folds another silo's commit as it lands. A notification is
/// a hint, not a record: the payload names the sending process, whose own commits pulse the signal directly; one lost
/// while the connection is re-established is made good by the follower's own periodic read of the feed head.
/// </summary>
internal sealed class PostgresCommitListener(NpgsqlDataSource dataSource, CommitSignal signal, ILogger? logger = null) : IAsyncDisposable
{
    public const string Channel = "collaboration_journal_commits";

    /// <summary>A quiet connection is checked this often, so a server that went away is noticed without a commit.</summary>
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    private readonly ILogger logger = logger ?? NullLogger.Instance;
    private readonly CancellationTokenSource stop = new();
    private readonly Lock gate = new();
    private Task? listening;

    /// <summary>What this process sends as the payload of its notifications, so that it can ignore its own.</summary>
    public string Sender { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Starts listening unless it already does; the first follower of the feed calls it.</summary>
    public void EnsureStarted()
    {
        lock (gate)
        {
            if (listening is null && !stop.IsCancellationRequested)
            {
                // Off the caller's scheduler (a grain's): the loop lives as long as the process.
                listening = Task.Run(() => ListenAsync(stop.Token));
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var failing = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, notification) =>
                {
                    if (notification.Payload != Sender)
                    {
                        signal.Committed();
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }
                if (failing)
                {
                    logger.LogInformation("Listening again for the journal commits of other processes");
                    failing = false;
                }
                // Commits made while nobody listened are only found by reading the feed: let the followers read it now.
                signal.Committed();
                while (true)
                {
                    if (!await connection.WaitAsync((int)IdleCheck.TotalMilliseconds, ct))
                    {
                        await using var check = new NpgsqlCommand("SELECT 1", connection);
                        await check.ExecuteScalarAsync(ct);
                    }
                }
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // Stopping: whatever the connection threw on the way out.
                return;
            }
            catch (Exception ex)
            {
                if (!failing)
                {
                    // Once per outage; followers fall back to their periodic read of the feed head meanwhile.
                    logger.LogWarning(ex, "Lost the connection that listens for other processes' journal commits; reconnecting");
                    failing = true;
                }
            }
            try
            {
                await Task.Delay(Reconnect, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task? running;
        lock (gate)
        {
            // Under the lock, so no listener starts after this one was taken.
            stop.Cancel();
            running = listening;
        }
        if (running is not null)
        {
            await running;
        }
        stop.Dispose();
    }
}
