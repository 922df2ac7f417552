using Collaboration.Folds;

namespace Collaboration.Analytics;

/// <summary>One idea as the analytics model knows it: its first create (owner), contributions and views.</summary>
internal sealed class IdeaData(string id)
{
    public string Id { get; } = id;

    public FirstCreate? First { get; set; }

    public UserData? Owner { get; set; }

    /// <summary>Per contributor, the distinct instants of their contributions, sorted; never an empty list.</summary>
    public Dictionary<UserData, List<long>> Contributions { get; } = [];

    /// <summary>The instants of every view event since the model's horizon, sorted.</summary>
    public List<long> Views { get; } = [];

    /// <summary>View events before the model's horizon: only the all-time window counts them.</summary>
    public long ViewsBefore { get; set; }

    /// <summary>Views in the window of <paramref name="length"/> ending at <paramref name="at"/>, an end after the horizon.</summary>
    public long ViewsWithin(long length, long at) => Coverage.CountWithin(Views, length, at) + (length == Coverage.Forever ? ViewsBefore : 0);

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
