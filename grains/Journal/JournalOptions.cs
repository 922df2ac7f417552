namespace Collaboration.Journal;

/// <summary>Where events are stored. Bound from the "Journal" configuration section.</summary>
public sealed class JournalOptions
{
    /// <summary>Folder of the embedded SQLite database; COLLAB_DATA_DIR overrides it.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>How long a write waits for a locked database before it fails (and the request answers 503).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// PostgreSQL connections each silo may open for the journal. Past it, callers wait for a free one instead of
    /// exhausting the server's max_connections when many grains activate at once.
    /// </summary>
    public int MaxConnections { get; set; } = 20;

    /// <summary>A stream is snapshotted when this many events, or a quarter of its length if more, follow its last snapshot.</summary>
    public int SnapshotEvery { get; set; } = 200;

    /// <summary>
    /// Events a silo lets wait for storage at once; past it, new writes answer 503 at the entrance. The default is
    /// <see cref="DrainRate"/> times 2 s, the longest wait we accept before an answer: well inside the gateway
    /// client's 10 s response timeout, and far above the 4,000 events that 8 batches of 500 keep in flight.
    /// </summary>
    public int MaxQueuedEvents { get; set; } = 18_000;

    /// <summary>
    /// Events per second the store commits under load, as measured (embedded SQLite 9,168 and PostgreSQL 7,098 in
    /// bench/results/benchmarks-2026-11-27.md). A refused request is told to retry once the queue has drained at this rate.
    /// </summary>
    public int DrainRate { get; set; } = 9_000;

    /// <summary>
    /// Days a stored event is kept (README, Personal data: retention); 0 keeps every event. At least
    /// <see cref="MinRetentionDays"/>, so every window and the funnel's previous one stay whole.
    /// </summary>
    public int RetentionDays { get; set; }

    /// <summary>How often each silo looks for expired events (the first look comes one interval after start).</summary>
    public TimeSpan RetentionSweepEvery { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The longest window (90 days) plus the funnel's previous window (90 days) plus a day.</summary>
    public const int MinRetentionDays = 181;

    /// <summary>Embedded mode: how much of the database file the writer maps into memory (see <see cref="Sqlite.SqliteMemory"/>).</summary>
    public int SqliteMapMiB { get; set; } = 1024;

    /// <summary>Embedded mode: the writer's page cache.</summary>
    public int SqliteCacheMiB { get; set; } = 16;
}
