using Microsoft.Data.Sqlite;

namespace Collaboration.Journal.Sqlite;

/// <summary>Read-model snapshots in the embedded database's <c>read_model_snapshots</c> table (schema 5).</summary>
public sealed class SqliteReadModelSnapshotStore(SqliteDatabase database) : IReadModelSnapshotStore
{
    public Task<IReadOnlyList<long>> ListAsync(string model, CancellationToken ct = default) =>
        database.ReadAsync<IReadOnlyList<long>>(connection =>
        {
            using var command = new SqliteCommand(
                "SELECT position FROM read_model_snapshots WHERE model = $model AND part = 0 ORDER BY position DESC", connection);
            command.Parameters.AddWithValue("$model", model);
            using var reader = command.ExecuteReader();
            var positions = new List<long>();
            while (reader.Read())
            {
                positions.Add(reader.GetInt64(0));
            }
            return positions;
        });

    public Task<IReadOnlyList<byte[]>> ReadAsync(string model, long position, CancellationToken ct = default) =>
        database.ReadAsync<IReadOnlyList<byte[]>>(connection =>
        {
            using var command = new SqliteCommand(
                "SELECT data FROM read_model_snapshots WHERE model = $model AND position = $position ORDER BY part", connection);
            command.Parameters.AddWithValue("$model", model);
            command.Parameters.AddWithValue("$position", position);
            using var reader = command.ExecuteReader();
            var parts = new List<byte[]>();
            while (reader.Read())
            {
                parts.Add((byte[])reader[0]);
            }
            return parts;
        });

    public Task WritePartAsync(string model, long position, int part, ReadOnlyMemory<byte> data, CancellationToken ct = default) =>
        database.WriteAsync("snapshot", context =>
        {
            if (part == 1)
            {
                var clear = context.Command("DELETE FROM read_model_snapshots WHERE model = $model AND position = $position", "$model", "$position");
                clear.Parameters[0].Value = model;
                clear.Parameters[1].Value = position;
                clear.ExecuteNonQuery();
            }
            var insert = context.Command("""
                INSERT INTO read_model_snapshots (model, position, part, data) VALUES ($model, $position, $part, $data)
                ON CONFLICT (model, position, part) DO UPDATE SET data = excluded.data
                """, "$model", "$position", "$part", "$data");
            insert.Parameters[0].Value = model;
            insert.Parameters[1].Value = position;
            insert.Parameters[2].Value = part;
            insert.Parameters[3].Value = data.ToArray();
            return insert.ExecuteNonQuery();
        });

    public Task DeleteBelowAsync(string model, long position, CancellationToken ct = default) =>
        database.WriteAsync("snapshot", context =>
        {
            var delete = context.Command("DELETE FROM read_model_snapshots WHERE model = $model AND position < $position", "$model", "$position");
            delete.Parameters[0].Value = model;
            delete.Parameters[1].Value = position;
            return delete.ExecuteNonQuery();
        });
}
