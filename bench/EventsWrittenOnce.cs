using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Collaboration.Bench;

/// <summary>
/// The reference of benchmark 1: the posted events written once by the database's fastest bulk path, into a table of
/// the bench's own (one row per event with its JSON and its unique id, indexed by user and by idea). It does not
/// depend on how the service stores events, so a design that writes more rows cannot get a lower bar. A repeated
/// event id in the load (a client retry) is written once, as the unique id would have it.
/// </summary>
public sealed class EventsWrittenOnce
{
    /// <summary>The reference table, in each database's own types for a 64-bit key and a byte string.</summary>
    private static string Table(string keyType, string bytesType) => $"""
        CREATE TABLE events (
            position {keyType} PRIMARY KEY,
            event_id text NOT NULL UNIQUE,
            user_id text NOT NULL,
            idea_id text NOT NULL,
            data {bytesType} NOT NULL
        );
        CREATE INDEX events_by_user ON events (user_id, position);
        CREATE INDEX events_by_idea ON events (idea_id, position);
        """;

    private sealed record Row(string EventId, string UserId, string IdeaId, byte[] Data);

    private readonly List<Row> rows = [];

    public int Count => rows.Count;

    /// <summary>Reads the load file's events as posted (one JSON object per line).</summary>
    public static EventsWrittenOnce Read(string eventsFile)
    {
        var reference = new EventsWrittenOnce();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(eventsFile))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var eventId = root.GetProperty("eventId").GetString()!;
            if (seen.Add(eventId))
            {
                reference.rows.Add(new Row(eventId, root.GetProperty("userId").GetString()!, root.GetProperty("ideaId").GetString()!,
                    System.Text.Encoding.UTF8.GetBytes(line)));
            }
        }
        return reference;
    }

    /// <summary>
    /// Into a new SQLite file in WAL mode with synchronous=FULL, as the service writes: one transaction of prepared
    /// inserts. Returns the time from BEGIN to the end of COMMIT.
    /// </summary>
    public TimeSpan WriteSqlite(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; " + Table("INTEGER", "blob");
            setup.ExecuteNonQuery();
        }
        var clock = Stopwatch.StartNew();
        using (var transaction = connection.BeginTransaction())
        {
            using var insert = new SqliteCommand("INSERT INTO events (position, event_id, user_id, idea_id, data) VALUES ($1, $2, $3, $4, $5)",
                connection, transaction);
            var parameters = Enumerable.Range(1, 5).Select(i => insert.Parameters.Add(new SqliteParameter { ParameterName = "$" + i })).ToArray();
            insert.Prepare();
            for (var i = 0; i < rows.Count; i++)
            {
                parameters[0].Value = i + 1L;
                parameters[1].Value = rows[i].EventId;
                parameters[2].Value = rows[i].UserId;
                parameters[3].Value = rows[i].IdeaId;
                parameters[4].Value = rows[i].Data;
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        return clock.Elapsed;
    }

    /// <summary>
    /// Into a new table in an empty database with default durability: binary COPY in one transaction, the indexes in
    /// place. Returns the time from BEGIN to the end of COMMIT.
    /// </summary>
    public async Task<TimeSpan> WritePostgresAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var setup = new NpgsqlCommand(Table("bigint", "bytea"), connection))
        {
            await setup.ExecuteNonQueryAsync();
        }
        var clock = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var copy = await connection.BeginBinaryImportAsync("COPY events (position, event_id, user_id, idea_id, data) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                copy.StartRow();
                copy.Write(i + 1L, NpgsqlDbType.Bigint);
                copy.Write(rows[i].EventId, NpgsqlDbType.Text);
                copy.Write(rows[i].UserId, NpgsqlDbType.Text);
                copy.Write(rows[i].IdeaId, NpgsqlDbType.Text);
                copy.Write(rows[i].Data, NpgsqlDbType.Bytea);
            }
            await copy.CompleteAsync();
        }
        await transaction.CommitAsync();
        return clock.Elapsed;
    }
}
