using Microsoft.Data.Sqlite;

namespace Collaboration.Journal.Sqlite;

/// <summary>The writer's connection and open transaction, with prepared commands reused across commits.</summary>
public sealed class SqliteWriteContext : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly Dictionary<string, SqliteCommand> commands = [];
    private SqliteTransaction? transaction;

    internal SqliteWriteContext(SqliteConnection connection)
    {
        this.connection = connection;
        // An acknowledged event must survive a power loss, not only a process kill: sync the WAL on every commit.
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=FULL;";
        pragma.ExecuteNonQuery();
    }

    /// <summary>A prepared command for <paramref name="sql"/> in the current transaction; parameters are created on first use.</summary>
    public SqliteCommand Command(string sql, params string[] parameterNames)
    {
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameterNames)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
            commands.Add(sql, command);
        }
        command.Transaction = transaction;
        return command;
    }

    /// <summary>
    /// Copies the WAL into the database file and truncates it to nothing (outside a transaction). Throws when readers
    /// kept it busy past the busy timeout, so the write that asked for it is not acknowledged as done.
    /// </summary>
    internal void TruncateLog()
    {
        // The checkpoint waits for the readers still using the WAL through SQLite's own busy handler (readers that start
        // once everything is copied read the file alone); without one it gives up at the first reader.
        SetBusyTimeout(TruncateWait);
        bool busy;
        using (var checkpoint = connection.CreateCommand())
        {
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            using var reader = checkpoint.ExecuteReader();
            busy = !reader.Read() || reader.GetInt32(0) != 0;
        }
        SetBusyTimeout(TimeSpan.Zero);
        if (busy)
        {
            throw new SqliteException("the WAL could not be checkpointed and truncated: readers kept it busy", 5);
        }
    }

    private void SetBusyTimeout(TimeSpan timeout)
    {
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA busy_timeout = {(int)timeout.TotalMilliseconds};";
        pragma.ExecuteNonQuery();
    }

    /// <summary>How long <see cref="TruncateLog"/> waits for readers; the writer (and so ingestion) waits with it.</summary>
    private static readonly TimeSpan TruncateWait = TimeSpan.FromSeconds(5);

    internal void Begin()
    {
        transaction = connection.BeginTransaction();
    }

    internal void Commit()
    {
        transaction!.Commit();
        transaction.Dispose();
        transaction = null;
    }

    public void Dispose()
    {
        foreach (var command in commands.Values)
        {
            command.Dispose();
        }
        transaction?.Dispose();
        connection.Dispose();
    }
}
