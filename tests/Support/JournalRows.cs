using Collaboration.EventSourcing;
using Collaboration.Events;
using Microsoft.Data.Sqlite;

namespace Collaboration.Tests.Support;

/// <summary>
/// Writes to an embedded service's SQLite journal behind its grains' backs, as a tool or a bad migration might: the
/// grains and the read model hold state that no longer matches the stored streams until they are rebuilt.
/// </summary>
public static class JournalRows
{
    /// <summary>Appends <paramref name="interaction"/> to <paramref name="streamId"/> at the next version and feed position.</summary>
    public static void Append(string dataDirectory, string streamId, Interaction interaction)
    {
        var row = StoredEventFormat.Encode(interaction);
        Execute(dataDirectory, """
            INSERT INTO journal_events (position, stream_id, version, event_id, event_type, data, stored_at)
            VALUES ((SELECT coalesce(max(position), 0) + 1 FROM journal_events),
                    $stream, (SELECT coalesce(max(version), 0) + 1 FROM journal_events WHERE stream_id = $stream),
                    $id, $type, $data, $at)
            """, ("$stream", streamId), ("$id", row.EventId), ("$type", row.Type), ("$data", row.Data),
            ("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    }

    /// <summary>Replaces the stored content of <paramref name="interaction"/>'s event in <paramref name="streamId"/>, keeping its place.</summary>
    public static void Rewrite(string dataDirectory, string streamId, Interaction interaction)
    {
        var changed = Execute(dataDirectory, "UPDATE journal_events SET data = $data WHERE stream_id = $stream AND event_id = $id",
            ("$stream", streamId), ("$id", interaction.EventId), ("$data", StoredEventFormat.Encode(interaction).Data));
        Assert.Equal(1, changed);
    }

    private static int Execute(string dataDirectory, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "collaboration.db")};Pooling=False");
        connection.Open();
        using var command = new SqliteCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command.ExecuteNonQuery();
    }
}
