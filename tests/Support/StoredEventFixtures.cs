using Collaboration.Journal.Postgres;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Collaboration.Tests.Support;

/// <summary>
/// What earlier releases stored (tests/Fixtures/StoredEvents, written by tools/fixtures/stored-events.sh): a SQLite
/// file per schema, kept as its SQL dump (text, so that no database file is tracked), and the PostgreSQL rows of the release that last wrote each layout (postgres-6: the per-stream
/// journal; postgres-7: one row per event).
/// </summary>
public static class StoredEventFixtures
{
    public static string Folder { get; } = Path.Combine(Repository.Root, "tests", "Fixtures", "StoredEvents");

    /// <summary>
    /// The SQLite file that a release of schema <paramref name="schema"/> left, made at <paramref name="file"/> from its
    /// dump (sqlite-N.sql: its <c>user_version</c>, then its tables and rows as SQLite's own dump writes them).
    /// </summary>
    public static void RestoreSqlite(int schema, string file)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        using var restore = connection.CreateCommand();
        restore.CommandText = File.ReadAllText(Path.Combine(Folder, $"sqlite-{schema}.sql"));
        restore.ExecuteNonQuery();
    }

    /// <summary>The tables of each PostgreSQL fixture and their columns, in loading order.</summary>
    private static readonly Dictionary<string, (string Table, string Columns)[]> PostgresTables = new()
    {
        ["postgres-6"] =
        [
            ("journal_events", "stream_id, version, event_id, event_type, data, stored_at"),
            ("journal_snapshots", "stream_id, version, data"),
            ("event_ledger", "event_id, content_hash, recorded_at, posted_by"),
        ],
        ["postgres-7"] =
        [
            ("events", "position, event_id, content_hash, event_type, data, user_id, idea_id, thread_id, stored_at, posted_by"),
            ("thread_ideas", "thread_id, idea_id"),
        ],
    };

    /// <summary>
    /// The PostgreSQL database as the release that wrote <paramref name="name"/> left it: its scripts only, then its
    /// rows, in one transaction (so every row's tx is that transaction's). Without <paramref name="withSnapshots"/> no
    /// grain snapshot is loaded (postgres-7 has none: their cursors are the writing server's transaction ids).
    /// </summary>
    public static async Task LoadPostgresAsync(string connectionString, bool withSnapshots = true, string name = "postgres-6")
    {
        var rows = Path.Combine(Folder, name);
        var version = int.Parse(await File.ReadAllTextAsync(Path.Combine(rows, "schema_version")));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await PostgresSchema.ApplyAsync(dataSource, throughVersion: version);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var (table, columns) in PostgresTables[name].Where(table => withSnapshots || table.Table != "journal_snapshots"))
        {
            await using var copy = await connection.BeginTextImportAsync($"COPY {table} ({columns}) FROM STDIN");
            await copy.WriteAsync(await File.ReadAllTextAsync(Path.Combine(rows, table + ".tsv")));
        }
        if (PostgresTables[name].Any(table => table.Table == "events"))
        {
            // The positions were copied, not generated: the next generated one must come after them.
            await using var after = new NpgsqlCommand("SELECT setval(pg_get_serial_sequence('events', 'position'), max(position)) FROM events", connection, transaction);
            await after.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }
}
