using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using Collaboration.Journal;

namespace Collaboration.Analytics;

/// <summary>
/// The stored form of a read-model snapshot (<see cref="IReadModelSnapshotStore"/>): the model's own body (its format
/// is the model's, versioned there), deflated and cut into parts of at most 1 MiB, and a header part that says which
/// feed cursor the body covers and carries a SHA-256 of the parts, so that a damaged or truncated snapshot is
/// recognised before any of it is read. Envelope version 1, little-endian:
/// magic "CRMS", version, cursor position, pending count and ids, events applied, body length, part count, hash.
/// </summary>
internal static class ReadModelSnapshotFormat
{
    private const uint Magic = 0x534D5243; // "CRMS"
    public const int Version = 1;
    private const int PartSize = 1 << 20;

    /// <summary>The header and the body's parts, in the order they are stored: parts 1..n, then the header as part 0.</summary>
    public sealed record Encoded(byte[] Header, IReadOnlyList<ReadOnlyMemory<byte>> Parts, long BodyLength, long StoredBytes);

    public sealed record Decoded(FeedCursor Cursor, long EventsApplied, long BodyLength, Stream Body);

    /// <param name="writeBody">Writes the body into the stream it is given and returns its length; the body is deflated as
    /// it is written, so only its compressed form is ever held whole.</param>
    public static Encoded Encode(FeedCursor cursor, long eventsApplied, Func<Stream, long> writeBody)
    {
        var compressed = new MemoryStream();
        long bodyLength;
        using (var deflate = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            bodyLength = writeBody(deflate);
        }
        var all = compressed.GetBuffer().AsMemory(0, (int)compressed.Length);
        var parts = new List<ReadOnlyMemory<byte>>();
        for (var offset = 0; offset < all.Length; offset += PartSize)
        {
            parts.Add(all.Slice(offset, Math.Min(PartSize, all.Length - offset)));
        }
        var header = new byte[4 + 4 + 8 + 4 + 8 * cursor.Pending.Length + 8 + 8 + 4 + SHA256.HashSizeInBytes];
        var writer = new SpanWriter(header);
        writer.UInt32(Magic);
        writer.Int32(Version);
        writer.Int64(cursor.Position);
        writer.Int32(cursor.Pending.Length);
        foreach (var pending in cursor.Pending)
        {
            writer.Int64(pending);
        }
        writer.Int64(eventsApplied);
        writer.Int64(bodyLength);
        writer.Int32(parts.Count);
        SHA256.HashData(all.Span, writer.Rest);
        return new Encoded(header, parts, bodyLength, header.Length + all.Length);
    }

    /// <summary>Checks and opens a stored snapshot; throws <see cref="InvalidDataException"/> when it is not one this build reads.</summary>
    public static Decoded Decode(IReadOnlyList<byte[]> stored)
    {
        if (stored.Count == 0)
        {
            throw new InvalidDataException("The snapshot has no parts.");
        }
        var reader = new SpanReader(stored[0]);
        if (reader.UInt32() != Magic)
        {
            throw new InvalidDataException("The snapshot header does not start with the read-model magic number.");
        }
        if (reader.Int32() is var version && version != Version)
        {
            throw new InvalidDataException($"The snapshot envelope is version {version}; this build reads version {Version}.");
        }
        var position = reader.Int64();
        var pending = new long[reader.Count(8)];
        for (var i = 0; i < pending.Length; i++)
        {
            pending[i] = reader.Int64();
        }
        var eventsApplied = reader.Int64();
        var bodyLength = reader.Int64();
        var partCount = reader.Int32();
        var hash = reader.Bytes(SHA256.HashSizeInBytes);
        if (partCount != stored.Count - 1)
        {
            throw new InvalidDataException($"The snapshot has {stored.Count - 1} body parts; its header names {partCount}.");
        }
        var compressed = new MemoryStream(stored.Skip(1).Sum(part => part.Length));
        foreach (var part in stored.Skip(1))
        {
            compressed.Write(part);
        }
        if (!SHA256.HashData(compressed.GetBuffer().AsSpan(0, (int)compressed.Length)).AsSpan().SequenceEqual(hash))
        {
            throw new InvalidDataException("The snapshot's parts do not match the hash in its header.");
        }
        compressed.Position = 0;
        return new Decoded(new FeedCursor(position, pending), eventsApplied, bodyLength,
            new BufferedStream(new ZLibStream(compressed, CompressionMode.Decompress), 1 << 16));
    }

    private ref struct SpanWriter(Span<byte> buffer)
    {
        private Span<byte> rest = buffer;

        public readonly Span<byte> Rest => rest;

        public void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(rest, value);
            rest = rest[4..];
        }

        public void Int32(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(rest, value);
            rest = rest[4..];
        }

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(rest, value);
            rest = rest[8..];
        }
    }

    private ref struct SpanReader(ReadOnlySpan<byte> buffer)
    {
        private ReadOnlySpan<byte> rest = buffer;

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        /// <summary>A count of items of <paramref name="size"/> bytes that must still fit in the header.</summary>
        public int Count(int size) => Int32() is var count && count >= 0 && (long)count * size <= rest.Length
            ? count
            : throw new InvalidDataException("The snapshot header is damaged.");

        public ReadOnlySpan<byte> Bytes(int length) => Take(length);

        private ReadOnlySpan<byte> Take(int length)
        {
            if (rest.Length < length)
            {
                throw new InvalidDataException("The snapshot header is truncated.");
            }
            var taken = rest[..length];
            rest = rest[length..];
            return taken;
        }
    }
}
