using Collaboration.Journal.Postgres;
using Npgsql;

namespace Collaboration.Tests.Support;

/// <summary>
/// What earlier releases stored (tests/Fixtures/StoredEvents, written by tools/fixtures/stored-events.sh): a SQLite
/// file per schema, and the PostgreSQL rows of the release that last wrote the per-stream journal.
/// </summary>
public static class StoredEventFixtures
{
    public static string Folder { get; } = Path.Combine(Repository.Root, "tests", "Fixtures", "StoredEvents");

    private static string PostgresRows => Path.Combine(Folder, "postgres-6");

    /// <summary>
    /// The PostgreSQL database as the release left it: its scripts only, then its rows, in one transaction (so every
    /// row's tx is that transaction's). Without <paramref name="withSnapshots"/> no grain snapshot is loaded.
    /// </summary>
    public static async Task LoadPostgresAsync(string connectionString, bool withSnapshots = true)
    {
        var version = int.Parse(await File.ReadAllTextAsync(Path.Combine(PostgresRows, "schema_version")));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await PostgresSchema.ApplyAsync(dataSource, throughVersion: version);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var (table, columns) in new[]
        {
            ("journal_events", "stream_id, version, event_id, event_type, data, stored_at"),
            ("journal_snapshots", "stream_id, version, data"),
            ("event_ledger", "event_id, content_hash, recorded_at, posted_by"),
        }.Where(table => withSnapshots || table.Item1 != "journal_snapshots"))
        {
            await using var copy = await connection.BeginTextImportAsync($"COPY {table} ({columns}) FROM STDIN");
            await copy.WriteAsync(await File.ReadAllTextAsync(Path.Combine(PostgresRows, table + ".tsv")));
        }
        await transaction.CommitAsync();
    }
}
