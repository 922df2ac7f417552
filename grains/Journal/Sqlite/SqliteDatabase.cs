using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Collaboration.Errors;
using Collaboration.Telemetry;
using Microsoft.Data.Sqlite;

namespace Collaboration.Journal.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Every write goes through one writer thread that commits all
/// queued work in a single transaction (group commit): SQLite admits one writer at a time anyway, and one fsync per
/// batch instead of one per append is what makes durable ingestion fast. Reads use pooled connections in parallel.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    /// <summary>The layout this build writes (<c>PRAGMA user_version</c>); an older file is migrated when it opens.</summary>
    public const int SchemaVersion = 7;
    private const int MaxOperationsPerCommit = 1024;
    private const string Store = "sqlite";

    private readonly string connectionString;

    // Our own pool of reader connections, each set up once.
    private readonly ConcurrentBag<SqliteConnection> readers = [];
    private readonly Channel<WriteOperation> queue = Channel.CreateUnbounded<WriteOperation>(new() { SingleReader = true });
    private readonly Thread writerThread;
    private readonly CollaborationMetrics? metrics;
    private readonly SqliteMemory memory;

    public SqliteDatabase(string path, TimeSpan busyTimeout, CollaborationMetrics? metrics = null, SqliteMemory? memory = null)
    {
        this.metrics = metrics;
        this.memory = memory ?? new SqliteMemory();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)busyTimeout.TotalSeconds),
        }.ToString();
        using (var connection = Open())
        {
            CreateSchema(connection);
        }
        writerThread = new Thread(WriteLoop) { IsBackground = true, Name = "sqlite-journal-writer" };
        writerThread.Start();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the writer inside a transaction shared with other queued work; completes after
    /// the commit. The span "journal <paramref name="operation"/>" covers the wait and the commit.
    /// </summary>
    /// <param name="truncateLog">
    /// After the commit, checkpoint the WAL into the file and truncate it, waiting for readers up to the busy timeout:
    /// for a write whose old page images must not stay behind in the WAL (an erasure).
    /// </param>
    public async Task<T> WriteAsync<T>(string operation, Func<SqliteWriteContext, T> work, bool truncateLog = false)
    {
        using var activity = CollaborationTracing.StartWrite(operation, Store);
        var queued = new WriteOperation<T>(work, activity?.Context ?? default) { TruncateLog = truncateLog };
        if (!queue.Writer.TryWrite(queued))
        {
            throw new StorageUnavailableException("The journal is shut down.");
        }
        return await queued.Completion;
    }

    /// <summary>Pulsed after every commit of the writer.</summary>
    public CommitSignal Commits { get; } = new();

    /// <summary>Runs <paramref name="work"/> on a pooled read connection, off the caller's scheduler.</summary>
    public Task<T> ReadAsync<T>(Func<SqliteConnection, T> work) => Task.Run(() =>
    {
        SqliteConnection? connection = null;
        try
        {
            if (!readers.TryTake(out connection))
            {
                connection = Open();
            }
            var result = work(connection);
            readers.Add(connection);
            return result;
        }
        catch (Exception ex)
        {
            connection?.Dispose();
            if (ex is SqliteException)
            {
                throw new StorageUnavailableException("The journal could not be read: " + ex.Message);
            }
            throw;
        }
    });

    public void Dispose()
    {
        queue.Writer.TryComplete();
        writerThread.Join();
        while (readers.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    /// <summary>
    /// Opens a connection. Only the writer maps the file into memory (no pread system call per page it revisits). Each
    /// reader would map it again and resident memory counts every mapping: 16 readers activating 30,000 grains showed
    /// 1.6 GB of resident file pages for a 300 MB file. Readers read through the OS page cache instead, with a small
    /// cache of their own, for 15% fewer activations per second.
    /// </summary>
    private SqliteConnection Open(bool writer = false)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        // secure_delete on the writer: what a write removes or replaces (an erased person's rows) is zeroed in the file.
        Execute(connection, writer
            ? FormattableString.Invariant($"PRAGMA mmap_size = {memory.MapMiB * 1024L * 1024}; PRAGMA cache_size = -{memory.WriterCacheMiB * 1024}; PRAGMA secure_delete = ON;")
            : "PRAGMA cache_size = -2048;");
        return connection;
    }

    private static void CreateSchema(SqliteConnection connection)
    {
        Execute(connection, "PRAGMA journal_mode=WAL;");
        if (ReadSchemaVersion(connection, null) == SchemaVersion)
        {
            return;
        }
        // BEGIN IMMEDIATE takes the write lock, so a second instance opening the same file waits here and then sees
        // the upgraded version instead of migrating twice.
        using var transaction = connection.BeginTransaction();
        var version = ReadSchemaVersion(connection, transaction);
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException($"The database schema is version {version}; this build knows up to {SchemaVersion}.");
        }
        if (version == 0)
        {
            Execute(connection, EventsSchema + GrainSnapshotsTable + ApiKeysTable + ReadModelSnapshotsTable + ErasureTables, transaction);
        }
        else
        {
            if (version == 1)
            {
                AddFeedPositions(connection, transaction);
            }
            if (version <= 2)
            {
                MoveEventsIntoPositionOrder(connection, transaction);
            }
            if (version <= 3)
            {
                AddApiKeys(connection, transaction);
            }
            if (version <= 4)
            {
                Execute(connection, ReadModelSnapshotsTable, transaction);
            }
            if (version <= 5)
            {
                StoreEachEventOnce(connection, transaction);
            }
            if (version <= 6)
            {
                Execute(connection, ErasureTables, transaction);
            }
        }
        Execute(connection, $"PRAGMA user_version = {SchemaVersion};", transaction);
        transaction.Commit();
    }

    /// <summary>
    /// The events table of schema 3 and its indexes. Rows are keyed by their feed position, so every commit appends at
    /// the end of the table instead of dirtying a page per stream; the two indexes hold small entries. The event-id
    /// index leads with the id because apps mostly mint ids in time order, which keeps its inserts near the end too.
    /// </summary>
    private static string EventsTable(string name) => $"""
        CREATE TABLE {name} (
            position   INTEGER PRIMARY KEY,
            stream_id  TEXT    NOT NULL,
            version    INTEGER NOT NULL,
            event_id   TEXT    NOT NULL,
            event_type TEXT    NOT NULL,
            data       BLOB    NOT NULL,
            stored_at  INTEGER NOT NULL
        );
        """;

    private const string EventsIndexes = """
        CREATE UNIQUE INDEX journal_events_stream ON journal_events (stream_id, version);
        CREATE UNIQUE INDEX journal_events_event_id ON journal_events (event_id, stream_id);
        """;

    /// <summary>
    /// Version 1 to 2: numbers the stored events for the feed from 1, in the order they were stored. Within a stream
    /// the running maximum of stored_at is used, so a clock that stepped back can never put a version before an
    /// earlier one.
    /// </summary>
    private static void AddFeedPositions(SqliteConnection connection, SqliteTransaction transaction) => Execute(connection, """
        ALTER TABLE journal_events ADD COLUMN position INTEGER;
        UPDATE journal_events SET position = numbered.position
        FROM (
            SELECT stream_id, version, row_number() OVER (ORDER BY stored_at, stream_id, version) AS position
            FROM (
                SELECT stream_id, version,
                       max(stored_at) OVER (PARTITION BY stream_id ORDER BY version ROWS UNBOUNDED PRECEDING) AS stored_at
                FROM journal_events)
        ) AS numbered
        WHERE journal_events.stream_id = numbered.stream_id AND journal_events.version = numbered.version;
        """, transaction);

    /// <summary>Version 2 to 3: the events move from a table keyed by stream into one keyed by feed position.</summary>
    private static void MoveEventsIntoPositionOrder(SqliteConnection connection, SqliteTransaction transaction) =>
        Execute(connection, EventsTable("journal_events_by_position") + """
            INSERT INTO journal_events_by_position (position, stream_id, version, event_id, event_type, data, stored_at)
            SELECT position, stream_id, version, event_id, event_type, data, stored_at FROM journal_events ORDER BY position;
            DROP TABLE journal_events;
            ALTER TABLE journal_events_by_position RENAME TO journal_events;
            """ + EventsIndexes, transaction);

    /// <summary>
    /// The API keys of schema 4 (see Security/SqliteApiKeyStore.cs): one row per key, kept after revocation. Times are
    /// Unix milliseconds; a revocation time in the future is a rotation's grace.
    /// </summary>
    private const string ApiKeysTable = """
        CREATE TABLE api_keys (
            key_id            TEXT    NOT NULL PRIMARY KEY,
            name              TEXT    NOT NULL,
            scopes            TEXT    NOT NULL,
            salt              BLOB    NOT NULL,
            hash              BLOB    NOT NULL,
            events_per_second INTEGER,
            created_at        INTEGER NOT NULL,
            revoked_at        INTEGER
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Version 3 to 4: the API keys table, and which key posted each event id (stored metadata beside the ledger row,
    /// outside the content hash; null for events stored before, or in keyless mode).
    /// </summary>
    private static void AddApiKeys(SqliteConnection connection, SqliteTransaction transaction) =>
        Execute(connection, ApiKeysTable + "ALTER TABLE event_ledger ADD COLUMN posted_by TEXT;", transaction);

    /// <summary>
    /// Schema 5 (also version 4 to 5): snapshots of the read models that fold the feed, in parts (see
    /// <see cref="IReadModelSnapshotStore"/>); part 0 is the header and publishes the snapshot. A rowid table, as
    /// SQLite advises for rows of megabytes.
    /// </summary>
    private const string ReadModelSnapshotsTable = """
        CREATE TABLE read_model_snapshots (
            model    TEXT    NOT NULL,
            position INTEGER NOT NULL,
            part     INTEGER NOT NULL,
            data     BLOB    NOT NULL,
            PRIMARY KEY (model, position, part)
        );
        """;

    /// <summary>
    /// The events of schema 6 (see <see cref="SqliteEventStore"/>): one row per event, keyed by its position.
    /// AUTOINCREMENT, so a position is never handed out twice, even after the highest row is deleted: a feed reader
    /// past it would never see the second one. The event-id index leads with the id because apps mostly mint ids in time order, which keeps its inserts near the
    /// end; the key indexes end with the position, so a grain's tail is one range scan. A thread's idea is bound by
    /// its first stored event.
    /// </summary>
    private const string EventsSchema = """
        CREATE TABLE events (
            position     INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id     TEXT    NOT NULL,
            content_hash BLOB    NOT NULL,
            event_type   TEXT    NOT NULL,
            data         BLOB    NOT NULL,
            user_id      TEXT    NOT NULL,
            idea_id      TEXT,
            thread_id    TEXT,
            stored_at    INTEGER NOT NULL,
            posted_by    TEXT
        );
        CREATE UNIQUE INDEX events_event_id ON events (event_id);
        CREATE INDEX events_user ON events (user_id, position);
        CREATE INDEX events_idea ON events (idea_id, position) WHERE idea_id IS NOT NULL;
        CREATE INDEX events_thread ON events (thread_id, position) WHERE thread_id IS NOT NULL;
        CREATE TABLE thread_ideas (
            thread_id TEXT NOT NULL PRIMARY KEY,
            idea_id   TEXT NOT NULL
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Schema 7, for erasure (<see cref="SqliteEventStore.EraseUserAsync"/>): the store's pseudonym key (one row, random,
    /// made here), the pseudonyms of erased people (their later events are refused), and the audit trail, which names
    /// neither the person nor the pseudonym.
    /// </summary>
    private const string ErasureTables = """
        CREATE TABLE erasure_key (
            id  INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
            key BLOB    NOT NULL
        );
        INSERT INTO erasure_key (id, key) VALUES (1, randomblob(32));
        CREATE TABLE erased_users (
            pseudonym TEXT NOT NULL PRIMARY KEY
        ) WITHOUT ROWID;
        CREATE TABLE erasures (
            erasure_id              TEXT    NOT NULL PRIMARY KEY,
            erased_at               INTEGER NOT NULL,
            erased_by               TEXT,
            events_anonymised       INTEGER NOT NULL,
            profile_changes_deleted INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    /// <summary>Schema 6: each grain's latest snapshot, keyed by the grain's stream id ("user/…", "idea/…", "thread/…").</summary>
    private const string GrainSnapshotsTable = """
        CREATE TABLE grain_snapshots (
            stream_id TEXT NOT NULL PRIMARY KEY,
            data      BLOB NOT NULL
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Version 5 to 6: one row per event instead of one per stream. Each event id keeps one row, with its feed
    /// position: its user stream's, or, for an event a failed request stored only in its thread's or idea's stream (the
    /// old layout allowed that), that stream's earliest; the other copies go. The user (for those), idea and thread of an interaction come from its JSON; its content hash and poster from its ledger row,
    /// which profile updates never had (an empty hash then). Each thread's idea is the one of its first event. The old
    /// grain snapshots go too: they name stream versions, which the new layout no longer has, so grains replay once.
    /// New positions continue above the journal's highest, idea and thread rows included: a read-model snapshot may
    /// cover a position past the last user row, and its fold reads on from there.
    /// </summary>
    private static void StoreEachEventOnce(SqliteConnection connection, SqliteTransaction transaction) =>
        Execute(connection, EventsSchema + GrainSnapshotsTable + """
            INSERT INTO events (position, event_id, content_hash, event_type, data, user_id, idea_id, thread_id, stored_at, posted_by)
            SELECT e.position, e.event_id, coalesce(l.content_hash, X''), e.event_type, e.data,
                   CASE WHEN e.stream_id GLOB 'user/*' THEN substr(e.stream_id, length('user/') + 1)
                        ELSE json_extract(CAST(e.data AS TEXT), '$.userId') END,
                   CASE WHEN e.event_type = 'interaction' THEN json_extract(CAST(e.data AS TEXT), '$.ideaId') END,
                   CASE WHEN e.event_type = 'interaction' THEN json_extract(CAST(e.data AS TEXT), '$.threadId') END,
                   e.stored_at, l.posted_by
            FROM journal_events AS e LEFT JOIN event_ledger AS l ON l.event_id = e.event_id
            WHERE e.position = (
                SELECT o.position FROM journal_events AS o WHERE o.event_id = e.event_id
                ORDER BY o.stream_id GLOB 'user/*' DESC, o.position LIMIT 1) -- GLOB matches case, unlike LIKE
            ORDER BY e.position;
            INSERT INTO thread_ideas (thread_id, idea_id)
            SELECT thread_id, idea_id FROM events AS e
            WHERE thread_id IS NOT NULL AND position = (SELECT min(position) FROM events WHERE thread_id = e.thread_id);
            DELETE FROM sqlite_sequence WHERE name = 'events';
            INSERT INTO sqlite_sequence (name, seq) SELECT 'events', coalesce(max(position), 0) FROM journal_events;
            DROP TABLE journal_events;
            DROP TABLE journal_snapshots;
            DROP TABLE event_ledger;
            """, transaction);

    private static int ReadSchemaVersion(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = new SqliteCommand("PRAGMA user_version;", connection, transaction);
        return Convert.ToInt32(command.ExecuteScalar());
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = new SqliteCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    private void WriteLoop()
    {
        // The thread inherited its creator's context, maybe a request's span: commits serve many requests.
        Activity.Current = null;
        var batch = new List<WriteOperation>(MaxOperationsPerCommit);
        SqliteWriteContext? context = null;
        var reader = queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < MaxOperationsPerCommit && reader.TryRead(out var operation))
            {
                batch.Add(operation);
            }
            var started = Stopwatch.GetTimestamp();
            using var commit = CollaborationTracing.StartCommit(Store, batch.Select(operation => operation.Context), batch.Count);
            try
            {
                context ??= new SqliteWriteContext(Open(writer: true));
                context.Begin();
                foreach (var operation in batch)
                {
                    operation.Run(context);
                }
                context.Commit();
                Commits.Committed();
                metrics?.CommitWritten(Store, Stopwatch.GetElapsedTime(started), batch.Count);
                foreach (var operation in batch.Where(operation => !operation.TruncateLog))
                {
                    operation.Complete();
                }
                if (batch.Any(operation => operation.TruncateLog))
                {
                    TruncateLog(context, batch.Where(operation => operation.TruncateLog));
                }
            }
            catch (Exception ex)
            {
                // The whole batch rolls back; every caller learns its work is not stored and may retry.
                try
                {
                    context?.Dispose();
                }
                catch (SqliteException)
                {
                    // The connection is being replaced anyway; the writer thread must survive.
                }
                context = null;
                commit?.SetStatus(ActivityStatusCode.Error, ex.Message);
                var failure = new StorageUnavailableException("The journal could not be written: " + ex.Message);
                foreach (var operation in batch)
                {
                    operation.Fail(failure);
                }
            }
            batch.Clear();
        }
        context?.Dispose();
    }

    /// <summary>
    /// After a commit that asked for it: the committed work is done either way, but its caller learns it only once the
    /// WAL no longer holds the old pages, or gets the failure and retries (the retry finds the work done).
    /// </summary>
    private static void TruncateLog(SqliteWriteContext context, IEnumerable<WriteOperation> waiting)
    {
        try
        {
            context.TruncateLog();
            foreach (var operation in waiting)
            {
                operation.Complete();
            }
        }
        catch (SqliteException ex)
        {
            var failure = new StorageUnavailableException("The write is committed, but the WAL still holds its old pages: " + ex.Message);
            foreach (var operation in waiting)
            {
                operation.Fail(failure);
            }
        }
    }

    private abstract class WriteOperation(ActivityContext context)
    {
        /// <summary>The span of the request that queued this work, for the commit's link.</summary>
        public ActivityContext Context { get; } = context;

        public bool TruncateLog { get; init; }

        public abstract void Run(SqliteWriteContext context);

        public abstract void Complete();

        public abstract void Fail(Exception error);
    }

    private sealed class WriteOperation<T>(Func<SqliteWriteContext, T> work, ActivityContext context) : WriteOperation(context)
    {
        private readonly TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? result;

        public Task<T> Completion => completion.Task;

        public override void Run(SqliteWriteContext context) => result = work(context);

        public override void Complete() => completion.TrySetResult(result!);

        public override void Fail(Exception error) => completion.TrySetException(error);
    }
}

/// <summary>
/// What the embedded database may hold in the process's memory: the writer maps up to <see cref="MapMiB"/> of the file
/// (resident memory counts the pages it touches; the kernel can drop them, as they are the file's) and caches
/// <see cref="WriterCacheMiB"/> of pages; each reader caches 2 MiB.
/// </summary>
public sealed record SqliteMemory(int MapMiB = 1024, int WriterCacheMiB = 16);
