using Collaboration.EventSourcing;
using Collaboration.Events;
using Microsoft.Data.Sqlite;

namespace Collaboration.Tests.Support;

/// <summary>
/// Writes to an embedded service's SQLite event store behind its grains' backs, as a tool or a bad migration might: the
/// grains and the read model hold state that no longer matches the stored events until they are rebuilt.
/// </summary>
public static class JournalRows
{
    /// <summary>Stores <paramref name="interaction"/> at the next position as if stored at <paramref name="storedAt"/>.</summary>
    public static void Append(string dataDirectory, Interaction interaction, DateTimeOffset storedAt)
    {
        var row = StoredEventFormat.Encode(interaction);
        Execute(dataDirectory, """
            INSERT INTO events (event_id, content_hash, event_type, data, user_id, idea_id, thread_id, stored_at)
            VALUES ($id, $hash, $type, $data, $user, $idea, $thread, $at)
            """, ("$id", row.EventId), ("$hash", Ingestion.ContentHash.Of(interaction)), ("$type", row.Type), ("$data", row.Data),
            ("$user", interaction.UserId), ("$idea", interaction.IdeaId), ("$thread", (object?)interaction.ThreadId ?? DBNull.Value),
            ("$at", storedAt.ToUnixTimeMilliseconds()));
    }

    /// <summary>The ids of the stored events stored before <paramref name="instant"/>.</summary>
    public static List<string> StoredBefore(string dataDirectory, DateTimeOffset instant)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "collaboration.db")};Pooling=False");
        connection.Open();
        using var command = new SqliteCommand("SELECT event_id FROM events WHERE stored_at < $at ORDER BY event_id", connection);
        command.Parameters.AddWithValue("$at", instant.ToUnixTimeMilliseconds());
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    /// <summary>Replaces the stored content of <paramref name="interaction"/>'s event, keeping its place.</summary>
    public static void Rewrite(string dataDirectory, Interaction interaction)
    {
        var changed = Execute(dataDirectory, "UPDATE events SET data = $data WHERE event_id = $id",
            ("$id", interaction.EventId), ("$data", StoredEventFormat.Encode(interaction).Data));
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
