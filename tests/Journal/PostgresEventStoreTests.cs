using Collaboration.Journal;
using Collaboration.Journal.Postgres;
using Collaboration.Tests.Support;
using Npgsql;

namespace Collaboration.Tests.Journal;

public sealed class PostgresEventStoreTests : EventStoreContract
{
    private readonly List<NpgsqlDataSource> dataSources = [];
    private string connectionString = "";

    public override async Task InitializeAsync()
    {
        connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        // The store creates no tables: they are the schema scripts'.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await PostgresSchema.ApplyAsync(dataSource);
    }

    protected override Task<IEventStore> OpenAsync()
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        dataSources.Add(dataSource);
        return Task.FromResult<IEventStore>(new PostgresEventStore(dataSource));
    }

    protected override IGrainSnapshotStore Snapshots() => new PostgresGrainSnapshotStore(dataSources[^1]);

    public override async Task DisposeAsync()
    {
        foreach (var dataSource in dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_transaction_still_open_does_not_hold_a_key_back_and_its_event_comes_once_after_it_commits()
    {
        var store = await OpenAsync();
        var user = "u-" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var late = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO events (event_id, content_hash, event_type, data, user_id) VALUES ($1, '\x00', 'test', '\x00', $2)
            """, connection, late))
        {
            insert.Parameters.AddWithValue("late-" + user);
            insert.Parameters.AddWithValue(user);
            await insert.ExecuteNonQueryAsync();
        }
        // Commits after the open one began, with a higher transaction id.
        await store.StoreAsync([new EventToStore(new JournalEvent("early-" + user, "test", [1]), [1], user, null, null)]);

        var before = await store.ReadAsync(EventKey.User(user), FeedCursor.Start);
        await late.CommitAsync();
        var after = await store.ReadAsync(EventKey.User(user), before.Next);
        var again = await store.ReadAsync(EventKey.User(user), after.Next);

        Assert.Equal(["early-" + user], before.Events.Select(e => e.Event.EventId));
        Assert.NotEmpty(before.Next.Pending);
        Assert.Equal(["late-" + user], after.Events.Select(e => e.Event.EventId));
        Assert.Empty(again.Events);
    }

    [Fact]
    public async Task A_commit_made_by_another_process_completes_the_next_commit_signal()
    {
        // Two stores on their own data sources stand for two silos.
        var writer = await OpenAsync();
        await using var follower = (PostgresEventStore)await OpenAsync();
        // The first signal comes once the follower listens (anything committed before is for its feed to find).
        await follower.NextCommit().WaitAsync(TimeSpan.FromSeconds(30));
        var next = follower.NextCommit();

        await writer.StoreAsync([new EventToStore(new JournalEvent("a-" + Guid.NewGuid().ToString("N"), "test", [1]), [1], "u", null, null)]);

        // Without the notification this never completes: only the writer itself pulses its own signal at a commit.
        await next.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
