using Collaboration.Users;

namespace Collaboration.Analytics;

/// <summary>
/// The users the model knows, numbered in the order they appeared (the number is the tag of their marks), and the
/// groups of each dimension with their user counts.
/// </summary>
internal sealed class Population
{
    private readonly Dictionary<string, UserData> index = new(StringComparer.Ordinal);

    public List<UserData> Users { get; } = [];

    public GroupTable[] Groups { get; } = [new(), new(), new(), new()];

    public int Count => Users.Count;

    public UserData this[int tag] => Users[tag];

    /// <summary>A user the model already knows (it throws otherwise).</summary>
    public UserData Get(string userId) => index[userId];

    /// <summary>The user's group key for the dimension; null when unknown.</summary>
    public string? KeyOf(UserData user, Dimension by) => user.Groups[(int)by] is var group and not 0 ? Groups[(int)by].Keys[group] : null;

    public bool TryFind(string userId, out UserData user) => index.TryGetValue(userId, out user!);

    /// <summary>The user, added in the "unknown" group of every dimension on first sight.</summary>
    public UserData GetOrAdd(string userId)
    {
        if (!index.TryGetValue(userId, out var user))
        {
            index[userId] = user = new UserData(userId, Users.Count);
            Users.Add(user);
            foreach (var table in Groups)
            {
                table.Users[0]++;
            }
        }
        return user;
    }

    /// <summary>Gives <paramref name="user"/> the id <paramref name="id"/>, which no user of the model has.</summary>
    public void Rename(UserData user, string id)
    {
        index.Add(id, user);
        index.Remove(user.Id);
        user.Id = id;
    }

    /// <summary>The group per dimension of a profile, adding groups not seen before.</summary>
    public int[] GroupsOf(UserProfile profile)
    {
        string?[] values = [profile.Country, profile.Site, profile.Department, profile.Function];
        var groups = new int[Dimensions.Count];
        for (var d = 0; d < Dimensions.Count; d++)
        {
            groups[d] = Groups[d].Find(values[d]);
        }
        return groups;
    }

    public void Move(UserData user, int[] groups)
    {
        for (var d = 0; d < Dimensions.Count; d++)
        {
            Groups[d].Users[user.Groups[d]]--;
            Groups[d].Users[groups[d]]++;
        }
        user.Groups = groups;
    }

    /// <summary>The group tables, then the users: ids, groups, and their instants per presence level.</summary>
    public void WriteTo(ModelWriter writer)
    {
        foreach (var table in Groups)
        {
            table.WriteTo(writer);
        }
        writer.WriteUniqueStrings([.. Users.Select(u => u.Id)]);
        var groups = new int[Users.Count * Dimensions.Count];
        foreach (var user in Users)
        {
            user.Groups.CopyTo(groups, user.Index * Dimensions.Count);
        }
        writer.WriteItems<int>(groups);
        int[] optedOut = [.. Users.Where(u => u.SuggestionsOff).Select(u => u.Index)];
        writer.WriteArray(optedOut);
        for (var level = PresenceLevels.First; level <= PresenceLevels.Last; level++)
        {
            writer.WriteLists(Users.Select(u => u.Levels[level]));
        }
    }

    public static Population ReadFrom(ModelReader reader)
    {
        var population = new Population();
        for (var d = 0; d < Dimensions.Count; d++)
        {
            population.Groups[d] = GroupTable.ReadFrom(reader);
        }
        var ids = reader.ReadUniqueStrings();
        var groups = reader.ReadItems<int>(ids.Length * Dimensions.Count);
        for (var u = 0; u < ids.Length; u++)
        {
            var user = new UserData(ids[u], u) { Groups = groups[(u * Dimensions.Count)..((u + 1) * Dimensions.Count)] };
            for (var d = 0; d < Dimensions.Count; d++)
            {
                if ((uint)user.Groups[d] >= (uint)population.Groups[d].Keys.Count)
                {
                    throw ModelReader.Damaged($"user {u} is in group {user.Groups[d]} of {population.Groups[d].Keys.Count}");
                }
            }
            population.index.Add(user.Id, user);
            population.Users.Add(user);
        }
        foreach (var u in reader.ReadInts())
        {
            population.Users[(uint)u < (uint)ids.Length ? u : throw ModelReader.Damaged($"an opt-out of user {u} of {ids.Length}")].SuggestionsOff = true;
        }
        for (var level = PresenceLevels.First; level <= PresenceLevels.Last; level++)
        {
            var lists = reader.ReadLists<long>(ids.Length);
            for (var u = 0; u < ids.Length; u++)
            {
                population.Users[u].Levels[level] = lists[u];
            }
        }
        return population;
    }
}
