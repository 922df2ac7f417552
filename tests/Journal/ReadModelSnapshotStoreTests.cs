using Collaboration.Journal;
using Collaboration.Journal.Postgres;
using Collaboration.Journal.Sqlite;
using Collaboration.Tests.Support;
using Npgsql;

namespace Collaboration.Tests.Journal;

/// <summary>What both stores of read-model snapshots promise: a snapshot is visible only once its header is written.</summary>
public abstract class ReadModelSnapshotStoreContract
{
    protected abstract Task<IReadModelSnapshotStore> OpenAsync();

    [Fact]
    public async Task A_snapshot_is_listed_only_once_its_header_is_written_and_reads_back_in_part_order()
    {
        var store = await OpenAsync();
        await store.WritePartAsync("m", 10, 1, new byte[] { 1 });
        await store.WritePartAsync("m", 10, 2, new byte[] { 2, 2 });
        var before = await store.ListAsync("m");
        await store.WritePartAsync("m", 10, 0, new byte[] { 0 });

        Assert.Empty(before);
        Assert.Equal([10L], await store.ListAsync("m"));
        Assert.Equal([[0], [1], [2, 2]], await store.ReadAsync("m", 10));
        Assert.Empty(await store.ListAsync("other"));
        Assert.Empty(await store.ReadAsync("m", 11));
    }

    [Fact]
    public async Task Snapshots_list_newest_first_and_deleting_below_a_position_keeps_it_and_newer_ones()
    {
        var store = await OpenAsync();
        foreach (var position in new long[] { 5, 20, 7 })
        {
            await store.WritePartAsync("m", position, 1, new byte[] { (byte)position });
            await store.WritePartAsync("m", position, 0, new byte[] { 0 });
        }
        await store.WritePartAsync("other", 1, 0, new byte[] { 9 });
        var listed = await store.ListAsync("m");

        await store.DeleteBelowAsync("m", 7);

        Assert.Equal([20L, 7L, 5L], listed);
        Assert.Equal([20L, 7L], await store.ListAsync("m"));
        Assert.Empty(await store.ReadAsync("m", 5));
        Assert.Equal([1L], await store.ListAsync("other"));
    }

    [Fact]
    public async Task Writing_part_one_again_starts_the_snapshot_afresh()
    {
        var store = await OpenAsync();
        foreach (var part in new[] { 1, 2, 3, 0 })
        {
            await store.WritePartAsync("m", 4, part, new byte[] { 7 });
        }
        await store.WritePartAsync("m", 4, 1, new byte[] { 8 });
        await store.WritePartAsync("m", 4, 0, new byte[] { 9 });

        Assert.Equal([[9], [8]], await store.ReadAsync("m", 4));
    }

    [Fact]
    public async Task Writing_a_part_again_replaces_it()
    {
        var store = await OpenAsync();
        await store.WritePartAsync("m", 3, 0, new byte[] { 1 });
        await store.WritePartAsync("m", 3, 0, new byte[] { 2, 3 });

        Assert.Equal([[2, 3]], await store.ReadAsync("m", 3));
    }
}

public sealed class SqliteReadModelSnapshotStoreTests : ReadModelSnapshotStoreContract, IDisposable
{
    private readonly TempDirectory directory = new();
    private SqliteDatabase? database;

    protected override Task<IReadModelSnapshotStore> OpenAsync()
    {
        database = new SqliteDatabase(Path.Combine(directory.Path, "journal.db"), TimeSpan.FromSeconds(10));
        return Task.FromResult<IReadModelSnapshotStore>(new SqliteReadModelSnapshotStore(database));
    }

    public void Dispose()
    {
        database?.Dispose();
        directory.Dispose();
    }
}

public sealed class PostgresReadModelSnapshotStoreTests : ReadModelSnapshotStoreContract, IDisposable
{
    private NpgsqlDataSource? dataSource;

    protected override async Task<IReadModelSnapshotStore> OpenAsync()
    {
        dataSource = NpgsqlDataSource.Create(await (await PostgresServer.SharedAsync()).CreateDatabaseAsync());
        await PostgresSchema.ApplyAsync(dataSource);
        return new PostgresReadModelSnapshotStore(dataSource);
    }

    public void Dispose() => dataSource?.Dispose();
}
