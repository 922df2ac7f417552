using Collaboration.Journal;
using Collaboration.Journal.Postgres;
using Collaboration.Tests.Support;
using Npgsql;

namespace Collaboration.Tests.Journal;

public sealed class PostgresEventJournalTests : EventJournalContract, IAsyncLifetime
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
    public async Task A_transaction_still_open_holds_the_feed_back_until_it_commits()
    {
        var (journal, _) = Open();
        var prefix = NewPrefix();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var late = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO journal_events (stream_id, version, event_id, event_type, data) VALUES ($1, 1, 'late', 'test', decode('00', 'hex'))", connection, late))
        {
            insert.Parameters.AddWithValue(prefix + "late");
            await insert.ExecuteNonQueryAsync();
        }
        // Commits first, but with a higher transaction id than the open one: a tail by commit number would pass "late".
        await journal.TryAppendAsync(prefix + "early", 0, [new JournalEvent("early", "test", [1])]);

        var whileOpen = await journal.ReadFeedAsync(prefix, 0, 10);
        await late.CommitAsync();
        var (events, _) = await ReadFeedToAsync(journal, prefix, whileOpen.Next, await journal.FeedHeadAsync());

        Assert.Empty(whileOpen.Events);
        Assert.Equal(["late", "early"], events.Select(e => e.Event.EventId));
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
        var (events, _) = await ReadFeedToAsync(journal, "user/", 0, await journal.FeedHeadAsync());

        Assert.Equal(["004_journal_feed.sql"], applied);
        Assert.Equal(["a1", "a2"], events.Select(e => e.Event.EventId));
    }
}
