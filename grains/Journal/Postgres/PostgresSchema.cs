using System.Reflection;
using Npgsql;

namespace Collaboration.Journal.Postgres;

/// <summary>
/// Applies the numbered scripts of <c>deploy/postgres</c> (embedded in this assembly) that the database has not seen,
/// each in its own transaction, and records them in <c>schema_versions</c>. Safe to run from several silos at once:
/// an advisory lock serialises them.
/// </summary>
public static class PostgresSchema
{
    private const long MigrationLockKey = 0x436f6c6c6162; // "Collab"

    /// <summary>The scripts in order: (version, name, SQL).</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = LoadScripts();

    /// <summary>
    /// Applies the scripts not yet recorded, up to <paramref name="throughVersion"/> (all of them by default; a test
    /// stops earlier to build the database an older release had). Returns the names of the scripts it applied.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(NpgsqlDataSource dataSource, CancellationToken ct = default, int throughVersion = int.MaxValue)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await Execute(connection, "SELECT pg_advisory_lock(" + MigrationLockKey + ")", ct);
        try
        {
            await Execute(connection, """
                CREATE TABLE IF NOT EXISTS schema_versions (
                    version    integer     NOT NULL PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, ct);
            var applied = new HashSet<int>();
            await using (var query = new NpgsqlCommand("SELECT version FROM schema_versions", connection))
            await using (var reader = await query.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }
            var newlyApplied = new List<string>();
            foreach (var (version, name, sql) in Scripts.Where(script => script.Version <= throughVersion && !applied.Contains(script.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await using (var script = new NpgsqlCommand(sql, connection, transaction))
                {
                    await script.ExecuteNonQueryAsync(ct);
                }
                await using (var record = new NpgsqlCommand("INSERT INTO schema_versions (version, name) VALUES ($1, $2)", connection, transaction))
                {
                    record.Parameters.AddWithValue(version);
                    record.Parameters.AddWithValue(name);
                    await record.ExecuteNonQueryAsync(ct);
                }
                await transaction.CommitAsync(ct);
                newlyApplied.Add(name);
            }
            return newlyApplied;
        }
        finally
        {
            await Execute(connection, "SELECT pg_advisory_unlock(" + MigrationLockKey + ")", CancellationToken.None);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static List<(int, string, string)> LoadScripts()
    {
        var assembly = Assembly.GetExecutingAssembly();
        const string prefix = "Collaboration.Journal.Postgres.Scripts.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name =>
            {
                var file = name[prefix.Length..];
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                return (int.Parse(file[..file.IndexOf('_')]), file, reader.ReadToEnd());
            })
            .OrderBy(script => script.Item1)
            .ToList();
    }
}
