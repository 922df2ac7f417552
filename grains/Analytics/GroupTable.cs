namespace Collaboration.Analytics;

/// <summary>The groups of one dimension and their user counts; group 0 is "unknown".</summary>
internal sealed class GroupTable
{
    private readonly Dictionary<string, int> index = new(StringComparer.Ordinal) { [Dimensions.Unknown] = 0 };

    public List<string> Keys { get; } = [Dimensions.Unknown];

    public List<long> Users { get; } = [0];

    public int Find(string? key)
    {
        key ??= Dimensions.Unknown;
        if (!index.TryGetValue(key, out var group))
        {
            index[key] = group = Keys.Count;
            Keys.Add(key);
            Users.Add(0);
        }
        return group;
    }

    public void WriteTo(ModelWriter writer)
    {
        writer.WriteUniqueStrings(Keys);
        writer.WriteItems<long>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Users));
    }

    public static GroupTable ReadFrom(ModelReader reader)
    {
        var keys = reader.ReadUniqueStrings();
        if (keys is not [Dimensions.Unknown, ..])
        {
            throw ModelReader.Damaged("group 0 is not the unknown group");
        }
        var table = new GroupTable();
        table.Keys.Clear();
        table.Users.Clear();
        table.Keys.AddRange(keys);
        table.Users.AddRange(reader.ReadItems<long>(keys.Length));
        for (var g = 1; g < keys.Length; g++)
        {
            table.index.Add(keys[g], g);
        }
        return table;
    }
}
