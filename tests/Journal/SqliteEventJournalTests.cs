using Collaboration.Journal;
using Collaboration.Journal.Sqlite;
using Collaboration.Security;
using Collaboration.Tests.Support;
using Microsoft.Data.Sqlite;

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

    protected override Task<string?> PostedByAsync(string eventId)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "journal.db")};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var select = new SqliteCommand("SELECT posted_by FROM event_ledger WHERE event_id = $id", connection);
        select.Parameters.AddWithValue("$id", eventId);
        return Task.FromResult(select.ExecuteScalar() as string);
    }

    public override void Dispose()
    {
        databases.ForEach(database => database.Dispose());
        directory.Dispose();
    }

    [Fact]
    public async Task A_version_1_database_is_migrated_and_its_events_lead_the_feed()
    {
        var path = Path.Combine(directory.Path, "v1.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            // The version 1 schema as it shipped, with events stored by a clock that stepped back once (user/a v2).
            using var create = new SqliteCommand("""
                PRAGMA journal_mode=WAL;
                CREATE TABLE journal_events (
                    stream_id  TEXT    NOT NULL,
                    version    INTEGER NOT NULL,
                    event_id   TEXT    NOT NULL,
                    event_type TEXT    NOT NULL,
                    data       BLOB    NOT NULL,
                    stored_at  INTEGER NOT NULL,
                    PRIMARY KEY (stream_id, version)
                ) WITHOUT ROWID;
                CREATE UNIQUE INDEX journal_events_event_id ON journal_events (stream_id, event_id);
                CREATE TABLE journal_snapshots (
                    stream_id TEXT    NOT NULL PRIMARY KEY,
                    version   INTEGER NOT NULL,
                    data      BLOB    NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE event_ledger (
                    event_id     TEXT    NOT NULL PRIMARY KEY,
                    content_hash BLOB    NOT NULL,
                    recorded_at  INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO journal_events VALUES
                    ('user/b', 1, 'b1', 'test', x'01', 100),
                    ('idea/x', 1, 'x1', 'test', x'02', 120),
                    ('user/a', 1, 'a1', 'test', x'03', 200),
                    ('user/a', 2, 'a2', 'test', x'04', 150);
                PRAGMA user_version = 1;
                """, connection);
            create.ExecuteNonQuery();
        }
        var database = new SqliteDatabase(path, TimeSpan.FromSeconds(10));
        databases.Add(database);
        var journal = new SqliteEventJournal(database, TimeProvider.System);

        var (migrated, next) = await ReadFeedToAsync(journal, "user/", FeedCursor.Start, await journal.FeedHeadAsync(), 2);
        await journal.TryAppendAsync("user/a", 2, [new JournalEvent("a3", "test", [5])]);
        await journal.TryAppendAsync("user/c", 0, [new JournalEvent("c1", "test", [6])]);
        var (appended, _) = await ReadFeedToAsync(journal, "user/", next, await journal.FeedHeadAsync(), 2);
        databases.Add(new SqliteDatabase(path, TimeSpan.FromSeconds(10)));
        var reopened = new SqliteEventJournal(databases[^1], TimeProvider.System);

        Assert.Equal(["b1", "a1", "a2"], migrated.Select(e => e.Event.EventId));
        Assert.Equal(["a3", "c1"], appended.Select(e => e.Event.EventId));
        Assert.Equal(["x1"], (await ReadFeedToAsync(reopened, "idea/", FeedCursor.Start, await reopened.FeedHeadAsync())).Events.Select(e => e.Event.EventId));
        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        using var version = new SqliteCommand("PRAGMA user_version;", check);
        Assert.Equal(5L, version.ExecuteScalar());
    }

    [Fact]
    public async Task A_version_3_database_gains_api_keys_and_the_posting_key_of_new_event_ids()
    {
        var path = Path.Combine(directory.Path, "v3.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            // The version 3 schema as it shipped, with one ledger row.
            using var create = new SqliteCommand("""
                PRAGMA journal_mode=WAL;
                CREATE TABLE journal_events (
                    position   INTEGER PRIMARY KEY,
                    stream_id  TEXT    NOT NULL,
                    version    INTEGER NOT NULL,
                    event_id   TEXT    NOT NULL,
                    event_type TEXT    NOT NULL,
                    data       BLOB    NOT NULL,
                    stored_at  INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX journal_events_stream ON journal_events (stream_id, version);
                CREATE UNIQUE INDEX journal_events_event_id ON journal_events (event_id, stream_id);
                CREATE TABLE journal_snapshots (
                    stream_id TEXT    NOT NULL PRIMARY KEY,
                    version   INTEGER NOT NULL,
                    data      BLOB    NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE event_ledger (
                    event_id     TEXT    NOT NULL PRIMARY KEY,
                    content_hash BLOB    NOT NULL,
                    recorded_at  INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO event_ledger VALUES ('old', x'01', 100);
                PRAGMA user_version = 3;
                """, connection);
            create.ExecuteNonQuery();
        }
        var database = new SqliteDatabase(path, TimeSpan.FromSeconds(10));
        databases.Add(database);
        var ledger = new SqliteEventLedger(database, TimeProvider.System);
        var keys = new SqliteApiKeyStore(database);

        var outcomes = await ledger.ClaimAsync([new EventClaim("old", [1], "k-late"), new EventClaim("new", [2], "k-1")]);
        var (_, id, secret) = ApiKeyFormat.Generate();
        var salt = ApiKeyFormat.NewSalt();
        await keys.CreateAsync(new ApiKeyRecord(id, "app", ["stats:read"], salt, ApiKeyFormat.Hash(secret, salt), 5, DateTimeOffset.UtcNow, null));

        Assert.Equal([ClaimOutcome.Duplicate, ClaimOutcome.New], outcomes);
        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        using var version = new SqliteCommand("PRAGMA user_version;", check);
        Assert.Equal(5L, version.ExecuteScalar());
        using var postedBy = new SqliteCommand("SELECT group_concat(event_id || '=' || coalesce(posted_by, 'null'), ',') FROM (SELECT * FROM event_ledger ORDER BY event_id)", check);
        Assert.Equal("new=k-1,old=null", postedBy.ExecuteScalar());
        Assert.True(ApiKeyFormat.Matches((await keys.FindAsync(id))!, secret));
    }
}
