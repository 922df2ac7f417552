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

    protected override IGrainSnapshotStore Snapshots() => new SqliteGrainSnapshotStore(databases[^1]);

    public override Task DisposeAsync()
    {
        databases.ForEach(database => database.Dispose());
        directory.Dispose();
        return Task.CompletedTask;
    }
}
