using System.Diagnostics;
using Collaboration.Journal.Sqlite;
using Microsoft.Data.Sqlite;

namespace Collaboration.Bench;

public sealed partial class StoredRows
{
    public static StoredRows ReadSqlite(string path)
    {
        var rows = new StoredRows();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        ForEach(connection, "SELECT stream_id, version, event_id, event_type, data, stored_at, position FROM journal_events ORDER BY stream_id, version",
            row => rows.Events.Add(new Event(row.GetString(0), row.GetInt64(1), row.GetString(2), row.GetString(3), (byte[])row[4],
                DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(5)), row.GetInt64(6))));
        ForEach(connection, "SELECT event_id, content_hash, recorded_at FROM event_ledger ORDER BY event_id",
            row => rows.Ledger.Add(new Claim(row.GetString(0), (byte[])row[1], DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(2)))));
        ForEach(connection, "SELECT stream_id, version, data FROM journal_snapshots ORDER BY stream_id",
            row => rows.Snapshots.Add(new Snapshot(row.GetString(0), row.GetInt64(1), (byte[])row[2])));
        return rows;
    }

    /// <summary>
    /// Writes the rows into a new store at <paramref name="path"/>, created by the service's own class, in one
    /// transaction of prepared inserts with synchronous=FULL as the service writes. Returns the time from BEGIN to
    /// the end of COMMIT.
    /// </summary>
    public TimeSpan WriteSqlite(string path)
    {
        new SqliteDatabase(path, TimeSpan.FromSeconds(5)).Dispose();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=FULL;";
            pragma.ExecuteNonQuery();
        }
        var clock = Stopwatch.StartNew();
        using (var transaction = connection.BeginTransaction())
        {
            using var events = Prepare(connection, transaction, """
                INSERT INTO journal_events (stream_id, version, event_id, event_type, data, stored_at, position)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, 7);
            foreach (var row in Events)
            {
                Run(events, row.StreamId, row.Version, row.EventId, row.Type, row.Data, row.StoredAt.ToUnixTimeMilliseconds(), row.Position);
            }
            using var ledger = Prepare(connection, transaction, "INSERT INTO event_ledger (event_id, content_hash, recorded_at) VALUES ($1, $2, $3)", 3);
            foreach (var row in Ledger)
            {
                Run(ledger, row.EventId, row.ContentHash, row.RecordedAt.ToUnixTimeMilliseconds());
            }
            using var snapshots = Prepare(connection, transaction, "INSERT INTO journal_snapshots (stream_id, version, data) VALUES ($1, $2, $3)", 3);
            foreach (var row in Snapshots)
            {
                Run(snapshots, row.StreamId, row.Version, row.Data);
            }
            transaction.Commit();
        }
        return clock.Elapsed;
    }

    private static void ForEach(SqliteConnection connection, string sql, Action<SqliteDataReader> read)
    {
        using var command = new SqliteCommand(sql, connection);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            read(reader);
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, int parameters)
    {
        var command = new SqliteCommand(sql, connection, transaction);
        for (var i = 1; i <= parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = "$" + i });
        }
        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
        command.ExecuteNonQuery();
    }
}
