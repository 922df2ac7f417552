using Collaboration.Folds;

namespace Collaboration.Analytics;

/// <summary>One idea as the analytics model knows it: its first create (owner), contributions and views.</summary>
internal sealed class IdeaData(string id, int index)
{
    public string Id { get; } = id;

    /// <summary>The idea's position in the model (the order ideas appeared), its number in a snapshot.</summary>
    public int Index { get; } = index;

    /// <summary>The earliest create of the idea (owner, title, tags); setting it sets <see cref="Tags"/>.</summary>
    public FirstCreate? First
    {
        get;
        set
        {
            field = value;
            Tags = TagIndex.TagsOf(value);
        }
    }

    /// <summary>The distinct tags of <see cref="First"/>, ignoring case.</summary>
    public string[] Tags { get; private set; } = [];

    /// <summary>The number of the last matchmaking query that met the idea (see <see cref="Matchmaking.Scratch"/>).</summary>
    public int Stamp { get; set; }

    /// <summary>Moves on whenever what a reach counts changes: a contribution, the owner, a contributor's groups, the horizon.</summary>
    public int Version { get; set; }

    /// <summary>The last reach matchmaking worked out for the idea, and the window ends it holds for (see <see cref="ReachMemo"/>).</summary>
    public ReachMemo? Reach90 { get; set; }

    public UserData? Owner { get; set; }

    /// <summary>Per contributor, the distinct instants of their contributions, sorted; never an empty list.</summary>
    public Dictionary<UserData, List<long>> Contributions { get; } = [];

    /// <summary>View events per UTC day since the model's horizon: a window counts its views by whole days.</summary>
    public DayCounts Views { get; } = new();

    /// <summary>View events before the model's horizon: only the all-time window counts them.</summary>
    public long ViewsBefore { get; set; }

    /// <summary>
    /// Views on the UTC days of the window of <paramref name="length"/> ending at <paramref name="at"/> (an end after the
    /// horizon): its last day whole, whether or not its views are dated after <paramref name="at"/>, and the days before it
    /// up to the window's length in days; the all-time window counts every view up to that day.
    /// </summary>
    public long ViewsWithin(long length, long at)
    {
        var lastDay = DayTotals.DayOf(at);
        return length == Coverage.Forever
            ? ViewsBefore + Views.Between(int.MinValue, lastDay)
            : Views.Between(lastDay - (int)(length / TimeSpan.TicksPerDay) + 1, lastDay);
    }

    public IReadOnlyCollection<UserData> Contributors => Contributions.Keys;

    public List<long> ContributionsOf(UserData user)
    {
        if (!Contributions.TryGetValue(user, out var instants))
        {
            Contributions[user] = instants = new List<long>(1); // most pairs hold one instant or a few
        }
        return instants;
    }
}

/// <summary>
/// An idea's contributors and their countries in the 90-day windows ending in [<see cref="From"/>, <see cref="Until"/>),
/// while the idea's <see cref="IdeaData.Version"/> is <see cref="Version"/>: no instant enters or leaves those windows.
/// <see cref="Reached"/>: critical mass was reached, and the counts stop there.
/// </summary>
internal readonly record struct ReachMemo(int Version, long From, long Until, int Contributors, int Countries, bool Reached);
