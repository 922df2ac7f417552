using Collaboration.Journal;

namespace Collaboration.EventSourcing;

/// <summary>
/// How a grain snapshot is stored: a format version, the cursor of the grain's last read of its events, how many events
/// the state folds, and the state's own bytes (<see cref="IFold{TSelf}.ToSnapshot"/>). The state folds exactly the events
/// that reads up to the cursor returned, so an activation reads on from the cursor and folds each event once. A
/// snapshot in another format is not an error: the grain folds all of its events instead.
/// </summary>
public static class GrainSnapshotFormat
{
    private const byte Version1 = 1;

    public static byte[] Encode(FeedCursor cursor, long eventsFolded, byte[] state)
    {
        using var buffer = new MemoryStream(state.Length + 32);
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(Version1);
            writer.Write(cursor.Position);
            writer.Write(cursor.Pending.Length);
            foreach (var tx in cursor.Pending)
            {
                writer.Write(tx);
            }
            writer.Write(eventsFolded);
            writer.Write(state.Length);
            writer.Write(state);
        }
        return buffer.ToArray();
    }

    /// <summary>Throws <see cref="InvalidDataException"/> for a snapshot that is not version 1 or is cut short.</summary>
    public static (FeedCursor Cursor, long EventsFolded, byte[] State) Decode(byte[] data)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(data));
            if (reader.ReadByte() != Version1)
            {
                throw new InvalidDataException("not a version 1 grain snapshot");
            }
            var position = reader.ReadInt64();
            var pending = new long[reader.ReadInt32()];
            for (var i = 0; i < pending.Length; i++)
            {
                pending[i] = reader.ReadInt64();
            }
            var eventsFolded = reader.ReadInt64();
            var length = reader.ReadInt32();
            var state = reader.ReadBytes(length);
            if (state.Length != length)
            {
                throw new EndOfStreamException();
            }
            return (new FeedCursor(position, pending), eventsFolded, state);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("the grain snapshot is cut short", ex);
        }
    }
}
