using Collaboration.Journal;
using Collaboration.Journal.Postgres;
using Collaboration.Tests.Support;
using Npgsql;

namespace Collaboration.Tests.Journal;

public sealed partial class PostgresEventJournalTests : EventJournalContract, IAsyncLifetime
{
    private readonly List<NpgsqlDataSource> dataSources = [];
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await PostgresSchema.ApplyAsync(dataSource);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    protected override (IEventJournal Journal, IEventLedger Ledger) Open()
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        dataSources.Add(dataSource);
        return (new PostgresEventJournal(dataSource), new PostgresEventLedger(dataSource));
    }

    public override void Dispose() => dataSources.ForEach(dataSource => dataSource.Dispose());

    protected override async Task<string?> PostedByAsync(string eventId)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var select = dataSource.CreateCommand("SELECT posted_by FROM event_ledger WHERE event_id = $1");
        select.Parameters.AddWithValue(eventId);
        return await select.ExecuteScalarAsync() as string;
    }

    [Fact]
    public async Task The_schema_scripts_apply_once_in_order()
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var again = await PostgresSchema.ApplyAsync(dataSource);

        Assert.Empty(again);
        await using var command = dataSource.CreateCommand("SELECT array_agg(name ORDER BY version) FROM schema_versions");
        Assert.Equal(PostgresSchema.Scripts.Select(s => s.Name), (string[])(await command.ExecuteScalarAsync())!);
        Assert.StartsWith("001_", PostgresSchema.Scripts[0].Name);
    }

    [Fact]
    public async Task An_open_append_does_not_hold_the_feed_back_and_its_events_come_once_after_it_commits()
    {
        var (journal, _) = Open();
        var prefix = NewPrefix();
        await using var connection = await OpenConnectionAsync(connectionString);
        await using var late = await connection.BeginTransactionAsync();
        var lateTx = await InsertAsync(connection, late, prefix + "late", 1, "late");
        // Commits first, with a higher transaction id than the open one: a tail by commit number would pass "late".
        await journal.TryAppendAsync(prefix + "early", 0, [new JournalEvent("early", "test", [1])]);

        var (whileOpen, cursor) = await ReadFeedToAsync(journal, prefix, FeedCursor.Start, await journal.FeedHeadAsync());
        // Committing a lower id than the newest finished one leaves the head where it was: only the pending list knows.
        await late.CommitAsync();
        var (afterCommit, next) = await ReadFeedToAsync(journal, prefix, cursor, await journal.FeedHeadAsync());
        var again = await journal.ReadFeedAsync(prefix, next, 10);

        Assert.Equal(["early"], whileOpen.Select(e => e.Event.EventId));
        Assert.Contains(lateTx, cursor.Pending);
        Assert.Equal(["late"], afterCommit.Select(e => e.Event.EventId));
        Assert.DoesNotContain(lateTx, next.Pending);
        Assert.Empty(again.Events);
    }

    [Fact]
    public async Task A_stream_appended_to_after_its_pending_append_commits_reads_in_version_order()
    {
        var (journal, _) = Open();
        var prefix = NewPrefix();
        await using var connection = await OpenConnectionAsync(connectionString);
        await using var first = await connection.BeginTransactionAsync();
        await InsertAsync(connection, first, prefix + "a", 1, "a1");
        await journal.TryAppendAsync(prefix + "b", 0, [new JournalEvent("b1", "test", [1])]);

        var (whileOpen, cursor) = await ReadFeedToAsync(journal, prefix, FeedCursor.Start, await journal.FeedHeadAsync());
        await first.CommitAsync();
        await journal.TryAppendAsync(prefix + "a", 1, [new JournalEvent("a2", "test", [2])]);
        // One page holds both: the pending append's events come before the newer transactions'.
        var page = await journal.ReadFeedAsync(prefix, cursor, 10);

        Assert.Equal(["b1"], whileOpen.Select(e => e.Event.EventId));
        Assert.Equal(["a1", "a2"], page.Events.Select(e => e.Event.EventId));
        Assert.Equal([1L, 2L], page.Events.Select(e => e.Version));
    }

    [Fact]
    public async Task An_open_append_that_rolls_back_adds_nothing_and_is_no_longer_pending()
    {
        var (journal, _) = Open();
        var prefix = NewPrefix();
        await using var connection = await OpenConnectionAsync(connectionString);
        await using var doomed = await connection.BeginTransactionAsync();
        var doomedTx = await InsertAsync(connection, doomed, prefix + "doomed", 1, "doomed");
        await journal.TryAppendAsync(prefix + "a", 0, [new JournalEvent("a1", "test", [1])]);

        var (whileOpen, cursor) = await ReadFeedToAsync(journal, prefix, FeedCursor.Start, await journal.FeedHeadAsync());
        await doomed.RollbackAsync();
        var (afterRollback, next) = await ReadFeedToAsync(journal, prefix, cursor, await journal.FeedHeadAsync());

        Assert.Equal(["a1"], whileOpen.Select(e => e.Event.EventId));
        Assert.Contains(doomedTx, cursor.Pending);
        Assert.Empty(afterRollback);
        Assert.DoesNotContain(doomedTx, next.Pending);
    }

    [Fact]
    public async Task A_write_transaction_open_in_another_database_does_not_hold_the_feed_back()
    {
        var (journal, _) = Open();
        var prefix = NewPrefix();
        // Like an idle-in-transaction session elsewhere on the server: its id is in every snapshot's list of running ones.
        await using var connection = await OpenConnectionAsync(await (await PostgresServer.SharedAsync()).CreateDatabaseAsync());
        await using var idle = await connection.BeginTransactionAsync();
        long idleTx;
        await using (var take = new NpgsqlCommand("SELECT pg_current_xact_id()::text::bigint", connection, idle))
        {
            idleTx = (long)(await take.ExecuteScalarAsync())!;
        }
        await journal.TryAppendAsync(prefix + "a", 0, [new JournalEvent("a1", "test", [1])]);
        await journal.TryAppendAsync(prefix + "b", 0, [new JournalEvent("b1", "test", [2])]);

        var (whileOpen, cursor) = await ReadFeedToAsync(journal, prefix, FeedCursor.Start, await journal.FeedHeadAsync());
        await idle.CommitAsync();
        var (afterCommit, next) = await ReadFeedToAsync(journal, prefix, cursor, await journal.FeedHeadAsync());

        Assert.Equal(["a1", "b1"], whileOpen.Select(e => e.Event.EventId));
        Assert.Contains(idleTx, cursor.Pending);
        Assert.Empty(afterCommit);
        Assert.DoesNotContain(idleTx, next.Pending);
    }

    [Fact]
    public async Task A_commit_made_by_another_process_completes_the_next_commit_signal()
    {
        // Two journals on their own data sources stand for two silos.
        var (writer, _) = Open();
        await using var follower = (PostgresEventJournal)Open().Journal;
        var prefix = NewPrefix();
        // The first signal comes once the follower listens (anything committed before is for its feed to find).
        await follower.NextCommit().WaitAsync(TimeSpan.FromSeconds(30));
        var next = follower.NextCommit();

        await writer.TryAppendAsync(prefix + "a", 0, [new JournalEvent("a1", "test", [1])]);

        // Without the notification this never completes: only the writer itself pulses its own signal at a commit.
        await next.WaitAsync(TimeSpan.FromSeconds(30));
        var (events, _) = await ReadFeedToAsync(follower, prefix, FeedCursor.Start, await follower.FeedHeadAsync());
        Assert.Equal(["a1"], events.Select(e => e.Event.EventId));
    }

    [Fact]
    public async Task Events_stored_before_the_feed_script_are_in_the_feed()
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var undo = dataSource.CreateCommand("""
            DROP INDEX journal_events_tx;
            ALTER TABLE journal_events DROP COLUMN tx;
            DELETE FROM schema_versions WHERE name = '004_journal_feed.sql';
            INSERT INTO journal_events (stream_id, version, event_id, event_type, data) VALUES ('user/a', 1, 'a1', 'test', decode('00', 'hex'));
            """))
        {
            await undo.ExecuteNonQueryAsync();
        }

        var applied = await PostgresSchema.ApplyAsync(dataSource);
        var (journal, _) = Open();
        await journal.TryAppendAsync("user/a", 1, [new JournalEvent("a2", "test", [1])]);
        var (events, _) = await ReadFeedToAsync(journal, "user/", FeedCursor.Start, await journal.FeedHeadAsync());

        Assert.Equal(["004_journal_feed.sql"], applied);
        Assert.Equal(["a1", "a2"], events.Select(e => e.Event.EventId));
    }

    private static async Task<NpgsqlConnection> OpenConnectionAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Stores one event in <paramref name="transaction"/> as an append would, and returns its transaction id.</summary>
    private static async Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string stream, long version, string eventId)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO journal_events (stream_id, version, event_id, event_type, data) VALUES ($1, $2, $3, 'test', decode('00', 'hex'))
            RETURNING tx
            """, connection, transaction);
        insert.Parameters.AddWithValue(stream);
        insert.Parameters.AddWithValue(version);
        insert.Parameters.AddWithValue(eventId);
        return (long)(await insert.ExecuteScalarAsync())!;
    }
}
