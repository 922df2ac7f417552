using Microsoft.Data.Sqlite;

namespace Collaboration.Journal.Sqlite;

/// <summary><see cref="IGrainSnapshotStore"/> in the embedded database's grain_snapshots table; a save is one operation of its group commit.</summary>
public sealed class SqliteGrainSnapshotStore(SqliteDatabase database) : IGrainSnapshotStore
{
    public Task<byte[]?> LoadAsync(string streamId, CancellationToken ct = default) =>
        database.ReadAsync(connection =>
        {
            using var command = new SqliteCommand("SELECT data FROM grain_snapshots WHERE stream_id = $stream", connection);
            command.Parameters.AddWithValue("$stream", streamId);
            return command.ExecuteScalar() as byte[];
        });

    public Task SaveAsync(string streamId, byte[] data, CancellationToken ct = default) =>
        database.WriteAsync("snapshot", context =>
        {
            var upsert = context.Command("""
                INSERT INTO grain_snapshots (stream_id, data) VALUES ($stream, $data)
                ON CONFLICT (stream_id) DO UPDATE SET data = excluded.data
                """, "$stream", "$data");
            upsert.Parameters[0].Value = streamId;
            upsert.Parameters[1].Value = data;
            return upsert.ExecuteNonQuery();
        });
}
