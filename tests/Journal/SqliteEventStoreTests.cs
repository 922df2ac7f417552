using Collaboration.Journal;
using Collaboration.Journal.Sqlite;
using Collaboration.Tests.Support;

namespace Collaboration.Tests.Journal;

public sealed class SqliteEventStoreTests : EventStoreContract
{
    private readonly TempDirectory directory = new();
    private readonly List<SqliteDatabase> databases = [];

    protected override Task<IEventStore> OpenAsync()
    {
        var database = new SqliteDatabase(Path.Combine(directory.Path, "journal.db"), TimeSpan.FromSeconds(10));
        databases.Add(database);
        return Task.FromResult<IEventStore>(new SqliteEventStore(database, TimeProvider.System));
    }

    [Fact]
    public async Task The_writer_maps_and_caches_what_it_is_given()
    {
        using var database = new SqliteDatabase(Path.Combine(directory.Path, "memory.db"), TimeSpan.FromSeconds(10), null, new SqliteMemory(MapMiB: 64, WriterCacheMiB: 4));

        var (map, cache) = await database.WriteAsync("pragmas", context =>
            ((long)context.Command("PRAGMA mmap_size").ExecuteScalar()!, (long)context.Command("PRAGMA cache_size").ExecuteScalar()!));

        Assert.Equal((64L * 1024 * 1024, -4L * 1024), (map, cache));
    }

    protected override IGrainSnapshotStore Snapshots() => new SqliteGrainSnapshotStore(databases[^1]);

    public override Task DisposeAsync()
    {
        databases.ForEach(database => database.Dispose());
        directory.Dispose();
        return Task.CompletedTask;
    }
}
