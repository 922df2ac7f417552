using Collaboration.Journal.Postgres;
using Npgsql;

namespace Collaboration.Security;

/// <summary>The keys in PostgreSQL (table api_keys, deploy/postgres/005_api_keys.sql), shared by the whole cluster.</summary>
public sealed class PostgresApiKeyStore(NpgsqlDataSource dataSource) : IApiKeyStore
{
    private const string Columns = "key_id, name, scopes, salt, hash, events_per_second, created_at, revoked_at";

    public Task<bool> CreateAsync(ApiKeyRecord key, CancellationToken ct = default) =>
        PostgresErrors.Guard("written", async () =>
        {
            await using var insert = dataSource.CreateCommand($"""
                INSERT INTO api_keys ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key_id) DO NOTHING
                """);
            insert.Parameters.AddWithValue(key.KeyId);
            insert.Parameters.AddWithValue(key.Name);
            insert.Parameters.AddWithValue(key.Scopes);
            insert.Parameters.AddWithValue(key.Salt);
            insert.Parameters.AddWithValue(key.Hash);
            insert.Parameters.AddWithValue((object?)key.EventsPerSecond ?? DBNull.Value);
            insert.Parameters.AddWithValue(key.CreatedAt);
            insert.Parameters.AddWithValue((object?)key.RevokedAt ?? DBNull.Value);
            return await insert.ExecuteNonQueryAsync(ct) == 1;
        });

    public Task<ApiKeyRecord?> FindAsync(string keyId, CancellationToken ct = default) =>
        PostgresErrors.Guard("read", async () =>
        {
            await using var select = dataSource.CreateCommand($"SELECT {Columns} FROM api_keys WHERE key_id = $1");
            select.Parameters.AddWithValue(keyId);
            await using var reader = await select.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? Read(reader) : null;
        });

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken ct = default) =>
        PostgresErrors.Guard<IReadOnlyList<ApiKeyRecord>>("read", async () =>
        {
            await using var select = dataSource.CreateCommand($"SELECT {Columns} FROM api_keys ORDER BY created_at, key_id");
            await using var reader = await select.ExecuteReaderAsync(ct);
            var keys = new List<ApiKeyRecord>();
            while (await reader.ReadAsync(ct))
            {
                keys.Add(Read(reader));
            }
            return keys;
        });

    public Task<bool> RevokeAsync(string keyId, DateTimeOffset at, CancellationToken ct = default) =>
        PostgresErrors.Guard("written", async () =>
        {
            await using var update = dataSource.CreateCommand(
                "UPDATE api_keys SET revoked_at = $2 WHERE key_id = $1 AND (revoked_at IS NULL OR revoked_at > $2)");
            update.Parameters.AddWithValue(keyId);
            update.Parameters.AddWithValue(at);
            return await update.ExecuteNonQueryAsync(ct) == 1;
        });

    public Task<bool> AnyActiveAsync(DateTimeOffset now, CancellationToken ct = default) =>
        PostgresErrors.Guard("read", async () =>
        {
            await using var select = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL OR revoked_at > $1)");
            select.Parameters.AddWithValue(now);
            return (bool)(await select.ExecuteScalarAsync(ct))!;
        });

    private static ApiKeyRecord Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetFieldValue<string[]>(2),
        (byte[])reader[3],
        (byte[])reader[4],
        reader.IsDBNull(5) ? null : reader.GetInt32(5),
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7));
}
