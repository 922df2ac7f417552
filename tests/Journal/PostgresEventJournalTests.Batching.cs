using Collaboration.Journal;
using Npgsql;

namespace Collaboration.Tests.Journal;

/// <summary>
/// Group commit. To know what one batch holds, a test holds the journal's writer: a transaction of its own stores
/// version 1 of a stream and stays open, so an append at version 0 to that stream waits on the row, and the appends
/// issued meanwhile queue up for the next batch.
/// </summary>
public sealed partial class PostgresEventJournalTests
{
    private static JournalEvent Event(string id) => new(id, "test", [1, 2]);

    [Fact]
    public async Task Appends_issued_while_a_batch_is_written_go_together_in_one_transaction()
    {
        var (journal, _) = Open();
        var prefix = NewPrefix();
        await using var writer = await HoldTheWriterAsync(journal, prefix);

        var queued = Enumerable.Range(0, 40).Select(i => journal.TryAppendAsync(prefix + i, 0, [Event("a"), Event("b")])).ToArray();
        var gated = await writer.ReleaseAsync();
        var results = await Task.WhenAll(queued);

        Assert.Equal([true], gated.Stored);
        Assert.All(results, r => Assert.Equal(2, r.Version));
        Assert.Equal(1L, await ScalarAsync("SELECT count(DISTINCT tx) FROM journal_events WHERE left(stream_id, length($1)) = $1 AND stream_id <> $1 || 'gate'", prefix));
    }

    [Fact]
    public async Task Two_appends_to_one_stream_issued_together_apply_in_call_order()
    {
        var (journal, _) = Open();
        var stream = NewPrefix() + "s";

        // Issued without waiting, as no grain would, but a journal must still answer each on its own.
        var first = journal.TryAppendAsync(stream, 0, [Event("a"), Event("b")]);
        var second = journal.TryAppendAsync(stream, 2, [Event("b"), Event("c")]);
        var stale = journal.TryAppendAsync(stream, 0, [Event("d")]);
        var results = await Task.WhenAll(first, second, stale);

        Assert.Equal([true, true], results[0].Stored);
        Assert.Equal([false, true], results[1].Stored);
        Assert.Equal(3, results[1].Version);
        Assert.True(results[2].VersionConflict);
        Assert.Equal(3, results[2].Version);
        Assert.Equal(["a", "b", "c"], (await journal.ReadStreamAsync(stream, 0)).Select(e => e.Event.EventId));
    }

    [Fact]
    public async Task A_writer_elsewhere_racing_on_one_stream_of_a_batch_fails_only_that_stream()
    {
        var (journal, _) = Open();
        var prefix = NewPrefix();
        await using var writer = await HoldTheWriterAsync(journal, prefix);
        // The other silo's append to "m" is under way: the next batch reads m's head as 0 and then collides on its row.
        await using var otherSilo = await OpenConnectionAsync(connectionString);
        await using var racing = await otherSilo.BeginTransactionAsync();
        await InsertAsync(otherSilo, racing, prefix + "m", 1, "elsewhere");

        var batch = Enumerable.Range(0, 30).Select(i => journal.TryAppendAsync(prefix + i, 0, [Event("a")]))
            .Append(journal.TryAppendAsync(prefix + "m", 0, [Event("a"), Event("b")])).ToArray();
        await writer.ReleaseAsync();
        await WaitUntilAnAppendWaitsOnALockAsync();
        await racing.CommitAsync();
        var results = await Task.WhenAll(batch);

        Assert.All(results[..30], r => Assert.Equal(1, r.Version));
        Assert.All(results[..30], r => Assert.Equal([true], r.Stored));
        Assert.True(results[30].VersionConflict);
        Assert.Equal(1, results[30].Version);
        Assert.Equal(["elsewhere"], (await journal.ReadStreamAsync(prefix + "m", 0)).Select(e => e.Event.EventId));
        Assert.Equal(["a"], (await journal.ReadStreamAsync(prefix + "29", 0)).Select(e => e.Event.EventId));
    }

    [Fact]
    public async Task An_append_cancelled_while_it_waits_for_a_batch_is_not_written()
    {
        var (journal, _) = Open();
        var prefix = NewPrefix();
        await using var writer = await HoldTheWriterAsync(journal, prefix);
        using var cancel = new CancellationTokenSource();

        var cancelled = journal.TryAppendAsync(prefix + "c", 0, [Event("a")], cancel.Token);
        var kept = journal.TryAppendAsync(prefix + "k", 0, [Event("a")]);
        await cancel.CancelAsync();
        await writer.ReleaseAsync();
        var keptResult = await kept;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal([true], keptResult.Stored);
        Assert.Empty(await journal.ReadStreamAsync(prefix + "c", 0));
    }

    /// <summary>Holds the writer (see above) until <see cref="HeldWriter.ReleaseAsync"/>.</summary>
    private async Task<HeldWriter> HoldTheWriterAsync(IEventJournal journal, string prefix)
    {
        var connection = await OpenConnectionAsync(connectionString);
        var gate = await connection.BeginTransactionAsync();
        await InsertAsync(connection, gate, prefix + "gate", 1, "theirs");
        var held = journal.TryAppendAsync(prefix + "gate", 0, [Event("ours")]);
        await WaitUntilAnAppendWaitsOnALockAsync();
        return new HeldWriter(connection, gate, held);
    }

    private sealed record HeldWriter(NpgsqlConnection Connection, NpgsqlTransaction Gate, Task<AppendResult> Held) : IAsyncDisposable
    {
        /// <summary>Rolls the open row back, so the held append is written, and then what queued up behind it.</summary>
        public async Task<AppendResult> ReleaseAsync()
        {
            await Gate.RollbackAsync();
            return await Held;
        }

        public async ValueTask DisposeAsync()
        {
            await Gate.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    /// <summary>Polls the server until one of its backends waits for a lock: the batch's insert, on our open row.</summary>
    private async Task WaitUntilAnAppendWaitsOnALockAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "No append came to wait on the open transaction's row.");
            await Task.Delay(5);
        }
    }

    private async Task<long> ScalarAsync(string sql, params string[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
