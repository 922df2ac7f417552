using System.Runtime.InteropServices;
using Collaboration.Folds;

namespace Collaboration.Analytics;

/// <summary>
/// The model's whole state as bytes, derived counters included, so that loading costs about as much as reading the
/// arrays (recounting them from the raw instants would be a replay). Object references become indexes: users by their
/// tag, ideas by their order here, ties by their tag. Lists of instants go out as one count array and their items
/// back to back. The same state always gives the same bytes: days are written in order, and the lazy tails of the
/// counters are merged first.
/// </summary>
internal sealed partial class AnalyticsModel
{
    /// <summary>The layout of the body; a body with another number is refused, never guessed at.</summary>
    public const int FormatVersion = 1;

    /// <summary>Ends the body, so that a reader that went astray fails at the end rather than returning a wrong model.</summary>
    private const int EndMark = 0x0A4A11D0;

    public void WriteTo(Stream stream)
    {
        using var writer = new ModelWriter(stream);
        writer.Write(FormatVersion);
        writer.Write(EventsApplied);
        foreach (var table in groups)
        {
            writer.WriteUniqueStrings(table.Keys);
            writer.WriteItems<long>(CollectionsMarshal.AsSpan(table.Users));
        }

        writer.WriteUniqueStrings([.. users.Select(u => u.Id)]);
        var userGroups = new int[users.Count * Dimensions.Count];
        foreach (var user in users)
        {
            user.Groups.CopyTo(userGroups, user.Index * Dimensions.Count);
        }
        writer.WriteItems<int>(userGroups);
        for (var level = 0; level < LevelCount; level++)
        {
            WriteLists(writer, users.Select(u => u.Levels[level]));
        }

        var ideaList = ideas.Values.ToList();
        var ideaIndex = new Dictionary<IdeaData, int>(ideaList.Count);
        foreach (var idea in ideaList)
        {
            ideaIndex[idea] = ideaIndex.Count;
        }
        writer.WriteUniqueStrings([.. ideaList.Select(i => i.Id)]);
        writer.WriteItems<int>([.. ideaList.Select(i => i.Owner?.Index ?? -1)]);
        foreach (var idea in ideaList)
        {
            WriteFirst(writer, idea.First);
        }
        writer.WriteItems<int>([.. ideaList.Select(i => i.Contributions.Count)]);
        writer.WriteItems<int>([.. ideaList.SelectMany(i => i.Contributions.Keys).Select(u => u.Index)]);
        WriteLists(writer, ideaList.SelectMany(i => i.Contributions.Values));
        WriteLists(writer, ideaList.Select(i => i.Views));
        WriteLists(writer, users.Select(u => u.Ideas?.Select(i => ideaIndex[i]).ToList()));
        WriteLists(writer, users.Select(u => u.Owned?.Select(i => ideaIndex[i]).ToList()));

        writer.Write(ties.Count);
        writer.WriteItems<int>([.. ties.Select(t => t?.User.Index ?? -1)]);
        writer.WriteItems<int>([.. ties.Select(t => t?.Owner.Index ?? -1)]);
        WriteLists(writer, ties.Select(t => t?.Instants));

        foreach (var counter in tiers)
        {
            counter.WriteTo(writer);
        }
        foreach (var counter in funnel)
        {
            counter.WriteTo(writer);
        }
        foreach (var counter in tieCounts)
        {
            counter.WriteTo(writer);
        }
        foreach (var counter in tiedUsers)
        {
            counter.WriteTo(writer);
        }
        foreach (var counter in breadth)
        {
            counter.WriteTo(writer);
        }
        dailyFirsts.WriteTo(writer);
        writer.Write(EndMark);
    }

    /// <summary>
    /// A model from <see cref="WriteTo"/>'s bytes. Damaged or incompatible data fails with
    /// <see cref="InvalidDataException"/>; an I/O failure of the stream itself is passed on as it is.
    /// </summary>
    public static AnalyticsModel ReadFrom(Stream stream)
    {
        try
        {
            return Read(new ModelReader(stream));
        }
        catch (Exception ex) when (ex is not (InvalidDataException or OperationCanceledException) && (ex is EndOfStreamException || ex is not IOException))
        {
            throw new InvalidDataException($"The analytics snapshot is damaged: {ex.Message}", ex);
        }
    }

    private static AnalyticsModel Read(ModelReader reader)
    {
        var version = reader.ReadInt();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"The analytics snapshot has format {version}; this build reads format {FormatVersion} only.");
        }
        var model = new AnalyticsModel { EventsApplied = reader.ReadLong() };
        for (var d = 0; d < Dimensions.Count; d++)
        {
            var keys = reader.ReadUniqueStrings();
            if (keys is not [Dimensions.Unknown, ..])
            {
                throw ModelReader.Damaged("group 0 is not the unknown group");
            }
            var table = model.groups[d] = new GroupTable(keys);
            table.Users.AddRange(reader.ReadItems<long>(keys.Length));
        }

        var userIds = reader.ReadUniqueStrings();
        var userGroups = reader.ReadItems<int>(userIds.Length * Dimensions.Count);
        for (var u = 0; u < userIds.Length; u++)
        {
            var user = new UserData(userIds[u], u) { Groups = userGroups[(u * Dimensions.Count)..((u + 1) * Dimensions.Count)] };
            for (var d = 0; d < Dimensions.Count; d++)
            {
                if ((uint)user.Groups[d] >= (uint)model.groups[d].Keys.Count)
                {
                    throw ModelReader.Damaged($"user {u} is in group {user.Groups[d]} of {model.groups[d].Keys.Count}");
                }
            }
            model.userIndex.Add(user.Id, user);
            model.users.Add(user);
        }
        for (var level = 0; level < LevelCount; level++)
        {
            var lists = ReadLists<long>(reader, userIds.Length);
            for (var u = 0; u < lists.Length; u++)
            {
                model.users[u].Levels[level] = lists[u];
            }
        }

        var ideaIds = reader.ReadUniqueStrings();
        var ideaList = ideaIds.Select(id => new IdeaData(id)).ToArray();
        var owners = reader.ReadItems<int>(ideaList.Length);
        foreach (var (idea, owner) in ideaList.Zip(owners))
        {
            idea.Owner = owner == -1 ? null : model.users[owner];
            idea.First = ReadFirst(reader, model.users);
            model.ideas.Add(idea.Id, idea);
        }
        var contributorCounts = reader.ReadItems<int>(ideaList.Length);
        var contributors = reader.ReadItems<int>(contributorCounts.Any(n => n < 0) ? throw ModelReader.Damaged("a negative count") : checked(contributorCounts.Sum()));
        var contributions = ReadLists<long>(reader, contributors.Length);
        var pair = 0;
        foreach (var (idea, count) in ideaList.Zip(contributorCounts))
        {
            for (var end = pair + count; pair < end; pair++)
            {
                idea.Contributions.Add(model.users[contributors[pair]], contributions[pair] ?? throw ModelReader.Damaged("a contributor without instants"));
            }
        }
        var views = ReadLists<long>(reader, ideaList.Length);
        for (var i = 0; i < ideaList.Length; i++)
        {
            ideaList[i].Views.AddRange(views[i] ?? throw ModelReader.Damaged("an idea without views"));
        }
        var contributedTo = ReadLists<int>(reader, userIds.Length);
        var owned = ReadLists<int>(reader, userIds.Length);
        for (var u = 0; u < userIds.Length; u++)
        {
            model.users[u].Ideas = contributedTo[u]?.ConvertAll(i => ideaList[i]);
            model.users[u].Owned = owned[u]?.ConvertAll(i => ideaList[i]);
        }

        var tieCount = reader.ReadCount(2 * sizeof(int));
        var tieUsers = reader.ReadItems<int>(tieCount);
        var tieOwners = reader.ReadItems<int>(tieCount);
        var tieInstants = ReadLists<long>(reader, tieCount);
        for (var tag = 0; tag < tieCount; tag++)
        {
            if (tieUsers[tag] == -1)
            {
                model.ties.Add(null);
                continue;
            }
            var (user, owner) = (model.users[tieUsers[tag]], model.users[tieOwners[tag]]);
            var tie = new TieData(tag, user, owner);
            tie.Instants.AddRange(tieInstants[tag] ?? throw ModelReader.Damaged("a tie without instants"));
            (user.Ties ??= []).Add(owner, tie);
            model.ties.Add(tie);
        }

        for (var level = 0; level < LevelCount; level++)
        {
            for (var w = 0; w < WindowCount; w++)
            {
                model.tiers[level, w] = GroupedCounter.ReadFrom(reader, userIds.Length);
            }
        }
        for (var a = 0; a < LevelCount; a++)
        {
            for (var b = 0; b < LevelCount; b++)
            {
                for (var w = 0; w < BoundedWindowCount; w++)
                {
                    model.funnel[a, b, w] = InstantCounter.ReadFrom(reader, 0);
                }
            }
        }
        for (var w = 0; w < WindowCount; w++)
        {
            model.tieCounts[w] = GroupedCounter.ReadFrom(reader, tieCount);
        }
        for (var w = 0; w < WindowCount; w++)
        {
            model.tiedUsers[0, w] = InstantCounter.ReadFrom(reader, 0);
        }
        for (var d = 0; d < Dimensions.Count; d++)
        {
            for (var w = 0; w < WindowCount; w++)
            {
                model.breadth[d, w] = InstantCounter.ReadFrom(reader, 0);
            }
        }
        model.dailyFirsts = DailyFirstInstants.ReadFrom(reader, LevelCount);
        reader.Expect(EndMark, "end of the analytics snapshot");
        return model;
    }

    private static void WriteFirst(ModelWriter writer, FirstCreate? first)
    {
        if (first is null)
        {
            writer.Write(-1);
            return;
        }
        writer.Write(0);
        writer.Write(first.Ticks);
        writer.WriteString(first.EventId);
        writer.WriteString(first.UserId);
        writer.WriteString(first.Title);
        writer.Write(first.Tags?.Length ?? -1);
        foreach (var tag in first.Tags ?? [])
        {
            writer.WriteString(tag);
        }
    }

    private static FirstCreate? ReadFirst(ModelReader reader, List<UserData> users)
    {
        if (reader.ReadIndex(1, low: -1) == -1)
        {
            return null;
        }
        var ticks = reader.ReadLong();
        var eventId = reader.ReadString() ?? throw ModelReader.Damaged("a first create without an event id");
        var userId = reader.ReadString() ?? throw ModelReader.Damaged("a first create without a user");
        var title = reader.ReadString();
        var tagCount = reader.ReadCount(sizeof(int), nullable: true);
        string[]? tags = tagCount == -1 ? null : new string[tagCount];
        for (var i = 0; i < tags?.Length; i++)
        {
            tags[i] = reader.ReadString() ?? throw ModelReader.Damaged("a null tag");
        }
        return new FirstCreate(ticks, eventId, userId, title, tags);
    }

    /// <summary>Each list's count (-1 for null), then the items of all lists back to back.</summary>
    private static void WriteLists<T>(ModelWriter writer, IEnumerable<List<T>?> lists) where T : unmanaged
    {
        var all = lists as IReadOnlyCollection<List<T>?> ?? [.. lists];
        writer.WriteItems<int>([.. all.Select(list => list?.Count ?? -1)]);
        foreach (var list in all)
        {
            if (list is not null)
            {
                writer.WriteItems<T>(CollectionsMarshal.AsSpan(list));
            }
        }
    }

    private static List<T>?[] ReadLists<T>(ModelReader reader, int count) where T : unmanaged
    {
        var counts = reader.ReadItems<int>(count);
        long total = 0;
        foreach (var n in counts)
        {
            total += n >= -1 ? Math.Max(n, 0) : throw ModelReader.Damaged($"list length {n}");
        }
        var items = reader.ReadItems<T>(total <= Array.MaxLength ? (int)total : throw ModelReader.Damaged("lists too long"));
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
}
