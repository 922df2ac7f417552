using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Collaboration.Analytics;

/// <summary>
/// Little-endian primitives and whole arrays for the analytics model's snapshot body. Arrays go out as their bytes in
/// one copy; a string is written once and referred to by its number afterwards.
/// </summary>
internal sealed class ModelWriter(Stream stream) : IDisposable
{
    /// <summary>Reference of a null string; <see cref="NewString"/> announces one written here for the first time.</summary>
    public const int NullString = -1;
    public const int NewString = -2;

    private readonly byte[] buffer = new byte[64 * 1024];
    private readonly Dictionary<string, int> strings = new(StringComparer.Ordinal);
    private int used;
    private long flushed;

    /// <summary>Bytes written so far, buffered ones included.</summary>
    public long Length => flushed + used;

    public void Write(int value)
    {
        Reserve(sizeof(int));
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(used), value);
        used += sizeof(int);
    }

    public void Write(long value)
    {
        Reserve(sizeof(long));
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(used), value);
        used += sizeof(long);
    }

    /// <summary>The length, then the items.</summary>
    public void WriteArray(ReadOnlySpan<long> items)
    {
        Write(items.Length);
        WriteItems(items);
    }

    /// <summary>The length, then the items.</summary>
    public void WriteArray(ReadOnlySpan<int> items)
    {
        Write(items.Length);
        WriteItems(items);
    }

    /// <summary>The items alone, for a length the reader already knows.</summary>
    public void WriteItems<T>(ReadOnlySpan<T> items) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian)
        {
            foreach (var item in items)
            {
                WriteSwapped(item);
            }
            return;
        }
        WriteBytes(MemoryMarshal.AsBytes(items));
    }

    /// <summary>Each list's count (-1 for null), then the items of all lists back to back.</summary>
    public void WriteLists<T>(IEnumerable<List<T>?> lists) where T : unmanaged
    {
        var all = lists as IReadOnlyCollection<List<T>?> ?? [.. lists];
        WriteItems<int>([.. all.Select(list => list?.Count ?? -1)]);
        foreach (var list in all)
        {
            if (list is not null)
            {
                WriteItems<T>(CollectionsMarshal.AsSpan(list));
            }
        }
    }

    public void WriteString(string? value)
    {
        if (value is null)
        {
            Write(NullString);
        }
        else if (strings.TryGetValue(value, out var known))
        {
            Write(known);
        }
        else
        {
            strings[value] = strings.Count;
            Write(NewString);
            WriteText(value);
        }
    }

    /// <summary>Strings each known to be new and unique (ids): lengths and text in bulk, not entered in the table.</summary>
    public void WriteUniqueStrings(IReadOnlyList<string> values)
    {
        var lengths = new int[values.Count];
        var total = 0;
        for (var i = 0; i < values.Count; i++)
        {
            total += lengths[i] = Encoding.UTF8.GetByteCount(values[i]);
        }
        WriteArray(lengths);
        var text = new byte[total];
        var at = 0;
        foreach (var value in values)
        {
            at += Encoding.UTF8.GetBytes(value, text.AsSpan(at));
        }
        WriteBytes(text);
    }

    private void WriteText(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        Write(count);
        if (count <= buffer.Length)
        {
            Reserve(count);
            used += Encoding.UTF8.GetBytes(value, buffer.AsSpan(used));
        }
        else
        {
            WriteBytes(Encoding.UTF8.GetBytes(value));
        }
    }

    private void WriteSwapped<T>(T item) where T : unmanaged
    {
        Span<byte> bytes = stackalloc byte[Marshal.SizeOf<T>()];
        MemoryMarshal.Write(bytes, in item);
        bytes.Reverse();
        WriteBytes(bytes);
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= buffer.Length - used)
        {
            bytes.CopyTo(buffer.AsSpan(used));
            used += bytes.Length;
            return;
        }
        Flush();
        stream.Write(bytes);
        flushed += bytes.Length;
    }

    private void Reserve(int count)
    {
        if (buffer.Length - used < count)
        {
            Flush();
        }
    }

    public void Flush()
    {
        stream.Write(buffer, 0, used);
        flushed += used;
        used = 0;
    }

    public void Dispose() => Flush();
}
