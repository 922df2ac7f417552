using Npgsql;

namespace Collaboration.Journal.Postgres;

/// <summary>Read-model snapshots in PostgreSQL's <c>read_model_snapshots</c> table (006_read_model_snapshots.sql).</summary>
public sealed class PostgresReadModelSnapshotStore(NpgsqlDataSource dataSource) : IReadModelSnapshotStore
{
    public Task<IReadOnlyList<long>> ListAsync(string model, CancellationToken ct = default) =>
        PostgresErrors.Guard<IReadOnlyList<long>>("read", async () =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT position FROM read_model_snapshots WHERE model = $1 AND part = 0 ORDER BY position DESC");
            command.Parameters.AddWithValue(model);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var positions = new List<long>();
            while (await reader.ReadAsync(ct))
            {
                positions.Add(reader.GetInt64(0));
            }
            return positions;
        });

    public Task<IReadOnlyList<byte[]>> ReadAsync(string model, long position, CancellationToken ct = default) =>
        PostgresErrors.Guard<IReadOnlyList<byte[]>>("read", async () =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT data FROM read_model_snapshots WHERE model = $1 AND position = $2 ORDER BY part");
            command.Parameters.AddWithValue(model);
            command.Parameters.AddWithValue(position);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var parts = new List<byte[]>();
            while (await reader.ReadAsync(ct))
            {
                parts.Add((byte[])reader[0]);
            }
            return parts;
        });

    public Task WritePartAsync(string model, long position, int part, ReadOnlyMemory<byte> data, CancellationToken ct = default) =>
        PostgresErrors.Guard("written", async () =>
        {
            if (part == 1)
            {
                // The old header goes too, so nobody reads the old parts mixed with new ones.
                await using var clear = dataSource.CreateCommand("DELETE FROM read_model_snapshots WHERE model = $1 AND position = $2");
                clear.Parameters.AddWithValue(model);
                clear.Parameters.AddWithValue(position);
                await clear.ExecuteNonQueryAsync(ct);
            }
            await using var command = dataSource.CreateCommand("""
                INSERT INTO read_model_snapshots (model, position, part, data) VALUES ($1, $2, $3, $4)
                ON CONFLICT (model, position, part) DO UPDATE SET data = excluded.data
                """);
            command.Parameters.AddWithValue(model);
            command.Parameters.AddWithValue(position);
            command.Parameters.AddWithValue(part);
            command.Parameters.AddWithValue(data);
            return await command.ExecuteNonQueryAsync(ct);
        });

    public Task DeleteBelowAsync(string model, long position, CancellationToken ct = default) =>
        PostgresErrors.Guard("written", async () =>
        {
            await using var command = dataSource.CreateCommand("DELETE FROM read_model_snapshots WHERE model = $1 AND position < $2");
            command.Parameters.AddWithValue(model);
            command.Parameters.AddWithValue(position);
            return await command.ExecuteNonQueryAsync(ct);
        });
}
