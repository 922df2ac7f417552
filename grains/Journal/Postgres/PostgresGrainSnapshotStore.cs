using Npgsql;

namespace Collaboration.Journal.Postgres;

/// <summary><see cref="IGrainSnapshotStore"/> in the grain_snapshots table (deploy/postgres/007_events.sql).</summary>
public sealed class PostgresGrainSnapshotStore(NpgsqlDataSource dataSource) : IGrainSnapshotStore
{
    public Task<byte[]?> LoadAsync(string streamId, CancellationToken ct = default) =>
        PostgresErrors.Guard("read", async () =>
        {
            await using var command = dataSource.CreateCommand("SELECT data FROM grain_snapshots WHERE stream_id = $1");
            command.Parameters.AddWithValue(streamId);
            return await command.ExecuteScalarAsync(ct) as byte[];
        });

    public Task SaveAsync(string streamId, byte[] data, CancellationToken ct = default) =>
        PostgresErrors.Guard("written", async () =>
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO grain_snapshots (stream_id, data) VALUES ($1, $2)
                ON CONFLICT (stream_id) DO UPDATE SET data = excluded.data
                """);
            command.Parameters.AddWithValue(streamId);
            command.Parameters.AddWithValue(data);
            return await command.ExecuteNonQueryAsync(ct);
        });
}
