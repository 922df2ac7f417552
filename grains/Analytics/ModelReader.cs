using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Collaboration.Analytics;

/// <summary>
/// Reads what <see cref="ModelWriter"/> wrote. It never reads past what it asks for, so a body can be followed by
/// other data in the same stream. Every count is checked before anything is allocated for it: damaged data fails
/// with <see cref="InvalidDataException"/> instead of asking for gigabytes.
/// </summary>
internal sealed class ModelReader(Stream stream)
{
    /// <summary>Without a length to check against, arrays grow in steps of this many bytes as data arrives.</summary>
    private const int Step = 1 << 20;

    private readonly List<string> strings = [];

    public int ReadInt()
    {
        Span<byte> bytes = stackalloc byte[sizeof(int)];
        stream.ReadExactly(bytes);
        return BinaryPrimitives.ReadInt32LittleEndian(bytes);
    }

    public long ReadLong()
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        stream.ReadExactly(bytes);
        return BinaryPrimitives.ReadInt64LittleEndian(bytes);
    }

    /// <summary>
    /// A count of items at least <paramref name="bytesEach"/> long each, checked against the bytes left; -1 stands for
    /// null when <paramref name="nullable"/>.
    /// </summary>
    public int ReadCount(int bytesEach = 1, bool nullable = false)
    {
        var count = ReadInt();
        if (!(nullable && count == -1))
        {
            Check(count, bytesEach);
        }
        return count;
    }

    /// <summary>An index in [<paramref name="low"/>, <paramref name="limit"/>).</summary>
    public int ReadIndex(int limit, int low = 0)
    {
        var index = ReadInt();
        return index >= low && index < limit ? index : throw Damaged($"index {index} outside [{low}, {limit})");
    }

    public long[] ReadLongs() => ReadItems<long>(ReadCount(sizeof(long)));

    public int[] ReadInts() => ReadItems<int>(ReadCount(sizeof(int)));

    public T[] ReadItems<T>(int count) where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        Check(count, size);
        // A stream that cannot tell its length gets arrays that grow with the data, so a damaged count runs out of
        // data before it runs out of memory.
        var items = new T[stream.CanSeek ? count : Math.Min(count, Step / size)];
        var filled = 0;
        while (true)
        {
            stream.ReadExactly(MemoryMarshal.AsBytes(items.AsSpan(filled)));
            filled = items.Length;
            if (filled == count)
            {
                break;
            }
            Array.Resize(ref items, (int)Math.Min(count, 2L * filled));
        }
        if (!BitConverter.IsLittleEndian)
        {
            foreach (ref var item in items.AsSpan())
            {
                MemoryMarshal.AsBytes(new Span<T>(ref item)).Reverse();
            }
        }
        return items;
    }

    /// <summary>What <see cref="ModelWriter.WriteLists"/> wrote for <paramref name="count"/> lists.</summary>
    public List<T>?[] ReadLists<T>(int count) where T : unmanaged
    {
        var counts = ReadItems<int>(count);
        long total = 0;
        foreach (var n in counts)
        {
            total += n >= -1 ? Math.Max(n, 0) : throw Damaged($"list length {n}");
        }
        var items = ReadItems<T>(total <= Array.MaxLength ? (int)total : throw Damaged("lists too long"));
        var lists = new List<T>?[count];
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            if (counts[i] >= 0)
            {
                var list = lists[i] = new List<T>(counts[i]);
                CollectionsMarshal.SetCount(list, counts[i]);
                items.AsSpan(at, counts[i]).CopyTo(CollectionsMarshal.AsSpan(list));
                at += counts[i];
            }
        }
        return lists;
    }

    public string? ReadString()
    {
        var reference = ReadInt();
        switch (reference)
        {
            case ModelWriter.NullString:
                return null;
            case ModelWriter.NewString:
                var value = Encoding.UTF8.GetString(ReadItems<byte>(ReadCount()));
                strings.Add(value);
                return value;
            default:
                return reference >= 0 && reference < strings.Count ? strings[reference] : throw Damaged($"string {reference} unknown");
        }
    }

    public string[] ReadUniqueStrings()
    {
        var lengths = ReadInts();
        var total = 0L;
        foreach (var length in lengths)
        {
            total += length >= 0 ? length : throw Damaged("negative string length");
        }
        var text = ReadItems<byte>(total <= int.MaxValue ? (int)total : throw Damaged("strings too long"));
        var values = new string[lengths.Length];
        var at = 0;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Encoding.UTF8.GetString(text, at, lengths[i]);
            at += lengths[i];
        }
        return values;
    }

    /// <summary>Fails unless <paramref name="expected"/> comes next: marks the end of a part, so a misread fails there.</summary>
    public void Expect(int expected, string what)
    {
        var value = ReadInt();
        if (value != expected)
        {
            throw Damaged($"{what}: expected {expected}, found {value}");
        }
    }

    private void Check(int count, int bytesEach)
    {
        if (count < 0)
        {
            throw Damaged($"negative count {count}");
        }
        if (stream.CanSeek && (long)count * bytesEach > stream.Length - stream.Position)
        {
            throw Damaged($"{count} items do not fit in the {stream.Length - stream.Position} bytes left");
        }
    }

    public static InvalidDataException Damaged(string detail) => new($"The analytics snapshot is damaged: {detail}.");
}
