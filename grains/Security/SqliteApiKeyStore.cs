using Collaboration.Journal.Sqlite;
using Microsoft.Data.Sqlite;

namespace Collaboration.Security;

/// <summary>The keys in the embedded SQLite file (table api_keys, schema 4); writes go through the journal's one writer.</summary>
public sealed class SqliteApiKeyStore(SqliteDatabase database) : IApiKeyStore
{
    private const string Columns = "key_id, name, scopes, salt, hash, events_per_second, created_at, revoked_at";

    public Task<bool> CreateAsync(ApiKeyRecord key, CancellationToken ct = default) =>
        database.WriteAsync("key", context =>
        {
            var insert = context.Command($"""
                INSERT INTO api_keys ({Columns}) VALUES ($id, $name, $scopes, $salt, $hash, $rate, $created, $revoked)
                ON CONFLICT (key_id) DO NOTHING
                """, "$id", "$name", "$scopes", "$salt", "$hash", "$rate", "$created", "$revoked");
            object?[] values = [key.KeyId, key.Name, string.Join(' ', key.Scopes), key.Salt, key.Hash, key.EventsPerSecond,
                key.CreatedAt.ToUnixTimeMilliseconds(), key.RevokedAt?.ToUnixTimeMilliseconds()];
            for (var i = 0; i < values.Length; i++)
            {
                insert.Parameters[i].Value = values[i] ?? DBNull.Value;
            }
            return insert.ExecuteNonQuery() == 1;
        });

    public Task<ApiKeyRecord?> FindAsync(string keyId, CancellationToken ct = default) =>
        database.ReadAsync(connection =>
        {
            using var select = new SqliteCommand($"SELECT {Columns} FROM api_keys WHERE key_id = $id", connection);
            select.Parameters.AddWithValue("$id", keyId);
            using var reader = select.ExecuteReader();
            return reader.Read() ? Read(reader) : null;
        });

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken ct = default) =>
        database.ReadAsync<IReadOnlyList<ApiKeyRecord>>(connection =>
        {
            using var select = new SqliteCommand($"SELECT {Columns} FROM api_keys ORDER BY created_at, key_id", connection);
            using var reader = select.ExecuteReader();
            var keys = new List<ApiKeyRecord>();
            while (reader.Read())
            {
                keys.Add(Read(reader));
            }
            return keys;
        });

    public Task<bool> RevokeAsync(string keyId, DateTimeOffset at, CancellationToken ct = default) =>
        database.WriteAsync("key", context =>
        {
            var update = context.Command("""
                UPDATE api_keys SET revoked_at = $at WHERE key_id = $id AND (revoked_at IS NULL OR revoked_at > $at)
                """, "$id", "$at");
            update.Parameters[0].Value = keyId;
            update.Parameters[1].Value = at.ToUnixTimeMilliseconds();
            return update.ExecuteNonQuery() == 1;
        });

    public Task<bool> AnyActiveAsync(DateTimeOffset now, CancellationToken ct = default) =>
        database.ReadAsync(connection =>
        {
            using var select = new SqliteCommand("SELECT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL OR revoked_at > $now)", connection);
            select.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            return Convert.ToInt64(select.ExecuteScalar()) == 1;
        });

    private static ApiKeyRecord Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2).Split(' ', StringSplitOptions.RemoveEmptyEntries),
        (byte[])reader[3],
        (byte[])reader[4],
        reader.IsDBNull(5) ? null : reader.GetInt32(5),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)));
}
