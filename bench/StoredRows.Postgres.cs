using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Collaboration.Bench;

public sealed partial class StoredRows
{
    public static async Task<StoredRows> ReadPostgresAsync(string connectionString)
    {
        var rows = new StoredRows();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Feed positions are transaction ids in PostgreSQL: the bulk write's own transaction fills them in.
        await ForEachAsync(connection, "SELECT stream_id, version, event_id, event_type, data, stored_at FROM journal_events ORDER BY stream_id, version",
            row => rows.Events.Add(new Event(row.GetString(0), row.GetInt64(1), row.GetString(2), row.GetString(3),
                row.GetFieldValue<byte[]>(4), row.GetFieldValue<DateTimeOffset>(5), Position: 0)));
        await ForEachAsync(connection, "SELECT event_id, content_hash, recorded_at FROM event_ledger ORDER BY event_id",
            row => rows.Ledger.Add(new Claim(row.GetString(0), row.GetFieldValue<byte[]>(1), row.GetFieldValue<DateTimeOffset>(2))));
        await ForEachAsync(connection, "SELECT stream_id, version, data FROM journal_snapshots ORDER BY stream_id",
            row => rows.Snapshots.Add(new Snapshot(row.GetString(0), row.GetInt64(1), row.GetFieldValue<byte[]>(2))));
        return rows;
    }

    /// <summary>
    /// Writes the rows into a database that has the service's schema with binary COPY, all three tables in one
    /// transaction. Returns the time from BEGIN to the end of COMMIT. The tx column of journal_events takes its
    /// default, as it does when the service inserts.
    /// </summary>
    public async Task<TimeSpan> WritePostgresAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var clock = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync();
        using (var copy = await connection.BeginBinaryImportAsync(
            "COPY journal_events (stream_id, version, event_id, event_type, data, stored_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in Events)
            {
                copy.StartRow();
                copy.Write(row.StreamId, NpgsqlDbType.Text);
                copy.Write(row.Version, NpgsqlDbType.Bigint);
                copy.Write(row.EventId, NpgsqlDbType.Text);
                copy.Write(row.Type, NpgsqlDbType.Text);
                copy.Write(row.Data, NpgsqlDbType.Bytea);
                copy.Write(row.StoredAt, NpgsqlDbType.TimestampTz);
            }
            await copy.CompleteAsync();
        }
        using (var copy = await connection.BeginBinaryImportAsync("COPY event_ledger (event_id, content_hash, recorded_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in Ledger)
            {
                copy.StartRow();
                copy.Write(row.EventId, NpgsqlDbType.Text);
                copy.Write(row.ContentHash, NpgsqlDbType.Bytea);
                copy.Write(row.RecordedAt, NpgsqlDbType.TimestampTz);
            }
            await copy.CompleteAsync();
        }
        using (var copy = await connection.BeginBinaryImportAsync("COPY journal_snapshots (stream_id, version, data) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in Snapshots)
            {
                copy.StartRow();
                copy.Write(row.StreamId, NpgsqlDbType.Text);
                copy.Write(row.Version, NpgsqlDbType.Bigint);
                copy.Write(row.Data, NpgsqlDbType.Bytea);
            }
            await copy.CompleteAsync();
        }
        await transaction.CommitAsync();
        return clock.Elapsed;
    }

    private static async Task ForEachAsync(NpgsqlConnection connection, string sql, Action<NpgsqlDataReader> read)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            read(reader);
        }
    }
}
