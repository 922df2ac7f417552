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
