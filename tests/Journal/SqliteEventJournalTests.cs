using Collaboration.Journal;
using Collaboration.Journal.Sqlite;
using Collaboration.Tests.Support;

namespace Collaboration.Tests.Journal;

public sealed class SqliteEventJournalTests : EventJournalContract
{
    private readonly TempDirectory directory = new();
    private readonly List<SqliteDatabase> databases = [];

    protected override (IEventJournal Journal, IEventLedger Ledger) Open()
    {
        var database = new SqliteDatabase(Path.Combine(directory.Path, "journal.db"), TimeSpan.FromSeconds(10));
        databases.Add(database);
        return (new SqliteEventJournal(database, TimeProvider.System), new SqliteEventLedger(database, TimeProvider.System));
    }

    public override void Dispose()
    {
        databases.ForEach(database => database.Dispose());
        directory.Dispose();
    }
}
