using Collaboration.Events;
using Collaboration.EventSourcing;
using Collaboration.Journal;
using Collaboration.Journal.Postgres;
using Collaboration.Journal.Sqlite;
using Collaboration.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Collaboration.Tests.Journal;

/// <summary>
/// SQLite schema 6 and PostgreSQL script 7 move what every earlier release stored (tests/Fixtures/StoredEvents) from
/// one row per event and stream into one row per event: each row of a user stream becomes an event row with its
/// content, its place in the feed, its idea and thread and its ledger's hash and poster; each thread keeps its idea;
/// the per-stream tables go. The expected rows are read from the fixture with plain SQL before it migrates.
/// </summary>
public sealed class EventsMigrationTests
{
    private const string UserStreams = "user/";

    public static TheoryData<int> SqliteSchemas { get; } = new() { 1, 2, 3, 4, 5 };

    /// <summary>A journal_events row. Kept is what its event row must keep: the SQLite position, the PostgreSQL tx.</summary>
    private sealed record StreamRow(string StreamId, long Version, string EventId, string Type, byte[] Data, DateTimeOffset StoredAt, long Kept);

    private sealed record LedgerRow(byte[] Hash, string? PostedBy);

    /// <summary>An events row without its position; bytes as hex so that rows compare by value.</summary>
    private sealed record EventRow(
        string EventId, string UserId, string Type, string Data, DateTimeOffset StoredAt, string Hash, string? PostedBy,
        string? IdeaId, string? ThreadId, long Kept);

    private sealed record Migrated(long Position, EventRow Row);

    [Fact]
    public void A_new_SQLite_database_has_only_the_one_row_per_event_layout()
    {
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "fresh.db");
        new SqliteDatabase(file, TimeSpan.FromSeconds(10)).Dispose();

        using var connection = Connect(file);
        Assert.Equal((long)SqliteDatabase.SchemaVersion, Scalar(connection, "PRAGMA user_version"));
        Assert.Equal(["api_keys", "erased_users", "erasure_key", "erasures", "events", "grain_snapshots", "read_model_snapshots", "sqlite_sequence", "thread_ideas"],
            Tables(connection).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SqliteSchemas))]
    public async Task A_SQLite_file_of_each_schema_moves_into_one_row_per_event(int schema)
    {
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "collaboration.db");
        StoredEventFixtures.RestoreSqlite(schema, file);
        List<StreamRow> streams;
        Dictionary<string, LedgerRow> ledger;
        List<string> readModelSnapshots;
        using (var connection = Connect(file))
        {
            Assert.Equal((long)schema, Scalar(connection, "PRAGMA user_version"));
            if (schema >= 4)
            {
                // No release stored a poster in the fixtures; some must be there to be carried over.
                Execute(connection, "UPDATE event_ledger SET posted_by = 'key-' || event_id WHERE event_id IN (SELECT event_id FROM event_ledger ORDER BY event_id LIMIT 10)");
            }
            // Schema 1 had no positions: its migration numbers them, so only their order is checked.
            streams = Read(connection, $"SELECT stream_id, version, event_id, event_type, data, stored_at, {(schema >= 2 ? "position" : "0")} FROM journal_events",
                r => new StreamRow(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), (byte[])r[4], FromMilliseconds(r.GetInt64(5)), r.GetInt64(6)));
            ledger = Read(connection, $"SELECT event_id, content_hash, {(schema >= 4 ? "posted_by" : "NULL")} FROM event_ledger",
                r => (Id: r.GetString(0), Row: new LedgerRow((byte[])r[1], r.IsDBNull(2) ? null : r.GetString(2)))).ToDictionary(e => e.Id, e => e.Row);
            readModelSnapshots = Tables(connection).Contains("read_model_snapshots") ? ReadModelSnapshots(connection) : [];
        }
        Assert.Equal(schema >= 4, ledger.Values.Any(entry => entry.PostedBy is not null));

        using var database = new SqliteDatabase(file, TimeSpan.FromSeconds(10));
        using (var connection = Connect(file))
        {
            Assert.Equal((long)SqliteDatabase.SchemaVersion, Scalar(connection, "PRAGMA user_version"));
            var events = Read(connection, "SELECT position, event_id, user_id, event_type, data, stored_at, content_hash, posted_by, idea_id, thread_id FROM events",
                r => new Migrated(r.GetInt64(0), new EventRow(r.GetString(1), r.GetString(2), r.GetString(3), Convert.ToHexString((byte[])r[4]),
                    FromMilliseconds(r.GetInt64(5)), Convert.ToHexString((byte[])r[6]), NullableString(r, 7), NullableString(r, 8), NullableString(r, 9),
                    schema >= 2 ? r.GetInt64(0) : 0)));
            AssertMigrated(streams, ledger, events, ThreadIdeas(connection));
            var tables = Tables(connection);
            Assert.DoesNotContain("journal_events", tables);
            Assert.DoesNotContain("journal_snapshots", tables);
            Assert.DoesNotContain("event_ledger", tables);
            Assert.Equal(readModelSnapshots, ReadModelSnapshots(connection));
            Assert.Equal(FreshLayout(data.Path), Layout(connection));

            await AssertStoreGoesOnAsync(new SqliteEventStore(database, TimeProvider.System), events, ledger, streams.Max(row => row.Kept));
        }
    }

    [Fact]
    public async Task PostgreSQL_rows_of_scripts_1_to_6_move_into_one_row_per_event_and_keep_their_transaction()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await StoredEventFixtures.LoadPostgresAsync(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        // No release stored a poster in the fixture, nor a read-model snapshot: some must be there to be carried over.
        await ExecuteAsync(dataSource, """
            UPDATE event_ledger SET posted_by = 'key-' || event_id WHERE event_id IN (SELECT event_id FROM event_ledger ORDER BY event_id LIMIT 10);
            INSERT INTO read_model_snapshots (model, position, part, data) VALUES ('participation', 42, 0, '\x0102');
            """);
        var streams = await ReadAsync(dataSource, "SELECT stream_id, version, event_id, event_type, data, stored_at, tx FROM journal_events",
            r => new StreamRow(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), (byte[])r[4], r.GetFieldValue<DateTimeOffset>(5), r.GetInt64(6)));
        var ledger = (await ReadAsync(dataSource, "SELECT event_id, content_hash, posted_by FROM event_ledger",
            r => (Id: r.GetString(0), Row: new LedgerRow((byte[])r[1], r.IsDBNull(2) ? null : r.GetString(2))))).ToDictionary(e => e.Id, e => e.Row);
        const string snapshotsQuery = "SELECT model || ' ' || position || ' ' || part || ' ' || encode(data, 'hex') FROM read_model_snapshots ORDER BY 1";
        var readModelSnapshots = await ReadAsync(dataSource, snapshotsQuery, r => r.GetString(0));
        Assert.Contains(ledger.Values, entry => entry.PostedBy is not null);

        Assert.Equal(["007_events.sql", "008_erasure.sql"], await PostgresSchema.ApplyAsync(dataSource));

        var events = await ReadAsync(dataSource,
            "SELECT position, event_id, user_id, event_type, data, stored_at, content_hash, posted_by, idea_id, thread_id, tx FROM events",
            r => new Migrated(r.GetInt64(0), new EventRow(r.GetString(1), r.GetString(2), r.GetString(3), Convert.ToHexString((byte[])r[4]),
                r.GetFieldValue<DateTimeOffset>(5), Convert.ToHexString((byte[])r[6]), NullableString(r, 7), NullableString(r, 8), NullableString(r, 9),
                r.GetInt64(10))));
        AssertMigrated(streams, ledger, events,
            await ReadAsync(dataSource, "SELECT thread_id, idea_id FROM thread_ideas", r => (r.GetString(0), r.GetString(1))));
        Assert.Equal(events.OrderBy(e => e.Row.Kept).ThenBy(e => e.Position).Select(e => e.Position), events.Select(e => e.Position).Order());
        var tables = await ReadAsync(dataSource, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'", r => r.GetString(0));
        Assert.Contains("grain_snapshots", tables);
        Assert.DoesNotContain("journal_events", tables);
        Assert.DoesNotContain("journal_snapshots", tables);
        Assert.DoesNotContain("event_ledger", tables);
        Assert.Equal(readModelSnapshots, await ReadAsync(dataSource, snapshotsQuery, r => r.GetString(0)));

        await AssertStoreGoesOnAsync(new PostgresEventStore(dataSource), events, ledger);
    }

    /// <summary>
    /// The JSON of an interaction that a failed request of the old layout stored in its thread's and idea's streams but
    /// never in its user's; its title holds a NUL, which PostgreSQL's jsonb cannot hold.
    /// </summary>
    private const string HalfDelivered =
        "{\"eventId\":\"half-1\",\"type\":\"comment\",\"userId\":\"u-half\",\"ideaId\":\"i-half\",\"threadId\":\"t-half\"," +
        "\"occurredAt\":\"2026-11-01T10:00:00+00:00\",\"title\":\"a\\u0000\\\"ideaId\\\":\\\"not-this\"}";

    [Fact]
    public void A_SQLite_event_stored_only_in_its_thread_and_idea_streams_keeps_one_row_at_its_first_position()
    {
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "collaboration.db");
        StoredEventFixtures.RestoreSqlite(5, file);
        long first;
        using (var connection = Connect(file))
        {
            first = (long)Scalar(connection, "SELECT max(position) FROM journal_events")! + 1;
            using var insert = new SqliteCommand("""
                INSERT INTO journal_events (position, stream_id, version, event_id, event_type, data, stored_at) VALUES
                    ($first, 'thread/t-half', 1, 'half-1', 'interaction', $data, 0),
                    ($first + 1, 'idea/i-half', 1, 'half-1', 'interaction', $data, 0);
                INSERT INTO event_ledger (event_id, content_hash, recorded_at) VALUES ('half-1', X'0102', 0);
                """, connection);
            insert.Parameters.AddWithValue("$first", first);
            insert.Parameters.AddWithValue("$data", System.Text.Encoding.UTF8.GetBytes(HalfDelivered));
            insert.ExecuteNonQuery();
        }

        using var database = new SqliteDatabase(file, TimeSpan.FromSeconds(10));
        using (var connection = Connect(file))
        {
            Assert.Equal([$"{first} u-half i-half t-half 0102"], Read(connection,
                "SELECT position || ' ' || user_id || ' ' || idea_id || ' ' || thread_id || ' ' || hex(content_hash) FROM events WHERE event_id = 'half-1'",
                r => r.GetString(0)));
            Assert.Contains(("t-half", "i-half"), ThreadIdeas(connection));
        }
    }

    [Fact]
    public async Task A_PostgreSQL_event_stored_only_in_its_thread_and_idea_streams_keeps_one_row_with_its_transaction()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await StoredEventFixtures.LoadPostgresAsync(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var insert = dataSource.CreateCommand("""
            INSERT INTO journal_events (stream_id, version, event_id, event_type, data, tx) VALUES
                ('thread/t-half', 1, 'half-1', 'interaction', $1, 7), ('idea/i-half', 1, 'half-1', 'interaction', $1, 9);
            """))
        {
            insert.Parameters.AddWithValue(System.Text.Encoding.UTF8.GetBytes(HalfDelivered));
            await insert.ExecuteNonQueryAsync();
        }

        await PostgresSchema.ApplyAsync(dataSource);

        Assert.Equal(["7 u-half i-half t-half "], await ReadAsync(dataSource,
            "SELECT tx || ' ' || user_id || ' ' || idea_id || ' ' || thread_id || ' ' || encode(content_hash, 'hex') FROM events WHERE event_id = 'half-1'",
            r => r.GetString(0)));
        Assert.Equal(["i-half"], await ReadAsync(dataSource, "SELECT idea_id FROM thread_ideas WHERE thread_id = 't-half'", r => r.GetString(0)));
    }

    /// <summary>
    /// Every user-stream row became one event row with its content, time, kept position or tx, ledger hash (empty
    /// without a ledger row) and poster, and the idea and thread its data decodes to; in each user's stream order.
    /// Each thread is bound to the idea of its events.
    /// </summary>
    private static void AssertMigrated(
        List<StreamRow> streams, Dictionary<string, LedgerRow> ledger, List<Migrated> events, List<(string Thread, string Idea)> threadIdeas)
    {
        var userRows = streams.Where(row => row.StreamId.StartsWith(UserStreams, StringComparison.Ordinal)).ToList();
        var expected = userRows.Select(row =>
        {
            var interaction = StoredEventFormat.Decode(new JournalEvent(row.EventId, row.Type, row.Data)) as Interaction;
            var entry = ledger.GetValueOrDefault(row.EventId);
            return new EventRow(row.EventId, row.StreamId[UserStreams.Length..], row.Type, Convert.ToHexString(row.Data), row.StoredAt,
                Convert.ToHexString(entry?.Hash ?? []), entry?.PostedBy, interaction?.IdeaId, interaction?.ThreadId, row.Kept);
        }).OrderBy(row => row.EventId, StringComparer.Ordinal).ToList();
        // The fixture must hold each case the migration handles, or the comparison below proves less than it says.
        Assert.Contains(expected, row => row.Hash.Length == 0 && row.Type == StoredEventFormat.ProfileUpdatedType);
        Assert.Contains(expected, row => row.ThreadId is not null);
        Assert.Contains(expected, row => row.IdeaId is not null && row.ThreadId is null);
        Assert.Contains(streams, row => !row.StreamId.StartsWith(UserStreams, StringComparison.Ordinal));

        Assert.Equal(expected, events.Select(e => e.Row).OrderBy(row => row.EventId, StringComparer.Ordinal));
        foreach (var user in userRows.GroupBy(row => row.StreamId))
        {
            Assert.Equal(user.OrderBy(row => row.Version).Select(row => row.EventId),
                events.Where(e => e.Row.UserId == user.Key[UserStreams.Length..]).OrderBy(e => e.Row.Kept).ThenBy(e => e.Position).Select(e => e.Row.EventId));
        }
        var boundIdeas = expected.Where(row => row.ThreadId is not null).Select(row => (Thread: row.ThreadId!, Idea: row.IdeaId!)).Distinct().ToList();
        Assert.Equal(boundIdeas.Count, boundIdeas.Select(binding => binding.Thread).Distinct().Count());
        Assert.Equal(boundIdeas.Order(), threadIdeas.Order());
    }

    /// <summary>
    /// The store sees the migrated rows: a migrated interaction sent again with its ledger hash is a duplicate at its
    /// position, its thread stays bound to its idea, and a new event goes after every migrated one and after
    /// <paramref name="oldHead"/> (the journal's highest position, which a read-model snapshot may cover).
    /// </summary>
    private static async Task AssertStoreGoesOnAsync(IEventStore store, List<Migrated> events, Dictionary<string, LedgerRow> ledger, long oldHead = 0)
    {
        var (position, probe) = events.First(e => e.Row.ThreadId is not null);
        var again = new EventToStore(new JournalEvent(probe.EventId, probe.Type, Convert.FromHexString(probe.Data)), ledger[probe.EventId].Hash,
            probe.UserId, probe.IdeaId, probe.ThreadId);
        var next = new EventToStore(new JournalEvent("migration-next", "test", [1]), [1], probe.UserId, probe.IdeaId, probe.ThreadId);
        var otherIdea = new EventToStore(new JournalEvent("migration-other-idea", "test", [2]), [2], probe.UserId, "i-other", probe.ThreadId);

        var results = await store.StoreAsync([again, next, otherIdea]);

        Assert.Equal((StoreOutcome.Duplicate, position), (results[0].Outcome, results[0].Position));
        Assert.Equal(StoreOutcome.Stored, results[1].Outcome);
        Assert.True(results[1].Position > Math.Max(oldHead, events.Max(e => e.Position)), $"new position {results[1].Position}");
        Assert.Equal(new StoreResult(StoreOutcome.ThreadOfOtherIdea, BoundIdea: probe.IdeaId), results[2]);
    }

    /// <summary>The schema-6 tables and indexes of a new database, as SQLite recorded their DDL.</summary>
    private static List<string> FreshLayout(string folder)
    {
        var file = Path.Combine(folder, "fresh.db");
        new SqliteDatabase(file, TimeSpan.FromSeconds(10)).Dispose();
        using var connection = Connect(file);
        return Layout(connection);
    }

    private static List<string> Layout(SqliteConnection connection) => Read(connection,
        "SELECT sql FROM sqlite_master WHERE tbl_name IN ('events', 'thread_ideas', 'grain_snapshots') ORDER BY name", r => r.GetString(0));

    private static List<string> ReadModelSnapshots(SqliteConnection connection) => Read(connection,
        "SELECT model || ' ' || position || ' ' || part || ' ' || hex(data) FROM read_model_snapshots ORDER BY 1", r => r.GetString(0));

    private static List<(string, string)> ThreadIdeas(SqliteConnection connection) =>
        Read(connection, "SELECT thread_id, idea_id FROM thread_ideas", r => (r.GetString(0), r.GetString(1)));

    private static List<string> Tables(SqliteConnection connection) =>
        Read(connection, "SELECT name FROM sqlite_master WHERE type = 'table'", r => r.GetString(0));

    private static DateTimeOffset FromMilliseconds(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    private static string? NullableString(System.Data.Common.DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static SqliteConnection Connect(string file)
    {
        var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static List<T> Read<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> row)
    {
        using var command = new SqliteCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(row(reader));
        }
        return rows;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<T>> ReadAsync<T>(NpgsqlDataSource dataSource, string sql, Func<NpgsqlDataReader, T> row)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(row(reader));
        }
        return rows;
    }
}
