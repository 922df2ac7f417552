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

    /// <summary>The instants of every view event, sorted.</summary>
    public List<long> Views { get; } = [];

    public IReadOnlyCollection<UserData> Contributors => Contributions.Keys;

    public List<long> ContributionsOf(UserData user)
    {
        if (!Contributions.TryGetValue(user, out var instants))
        {
            Contributions[user] = instants = [];
        }
        return instants;
    }
}
