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
}
