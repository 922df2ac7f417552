using System.Data.Common;
using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Ingestion;
using Collaboration.Journal;

namespace Collaboration.Privacy;

/// <summary>
/// What an erasure finds of a person, the same on every store: their rows (read with the columns position,
/// event_type, data, idea_id, thread_id), the ideas and threads those name, and what becomes of each row.
/// </summary>
internal sealed class ErasedRows
{
    private readonly List<(long Position, string Type, byte[] Data)> found = [];

    public int Count => found.Count;

    public SortedSet<string> Ideas { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Threads { get; } = new(StringComparer.Ordinal);

    /// <summary>Takes the reader's current row: the person's own (to rewrite) or one already under the pseudonym.</summary>
    public void Add(DbDataReader reader, bool persons)
    {
        if (persons)
        {
            found.Add((reader.GetInt64(0), reader.GetString(1), (byte[])reader[2]));
        }
        if (!reader.IsDBNull(3))
        {
            Ideas.Add(reader.GetString(3));
        }
        if (!reader.IsDBNull(4))
        {
            Threads.Add(reader.GetString(4));
        }
    }

    /// <summary>
    /// Each interaction rewritten to name <paramref name="pseudonym"/> (stored form and content hash), and the profile
    /// changes, which go.
    /// </summary>
    public (List<(long Position, byte[] Data, byte[] Hash)> Rewritten, List<long> Deleted) Plan(string pseudonym)
    {
        var (rewritten, deleted) = (new List<(long, byte[], byte[])>(), new List<long>());
        foreach (var (position, type, data) in found)
        {
            if (StoredEventFormat.Decode(new JournalEvent("", type, data)) is Interaction interaction)
            {
                var anonymous = interaction with { UserId = pseudonym };
                rewritten.Add((position, StoredEventFormat.Encode(anonymous).Data, ContentHash.Of(anonymous)));
            }
            else
            {
                deleted.Add(position);
            }
        }
        return (rewritten, deleted);
    }
}
