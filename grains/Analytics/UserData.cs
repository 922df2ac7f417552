namespace Collaboration.Analytics;

/// <summary>One user as the analytics model knows it: groups, presence, and links to ideas and ties.</summary>
internal sealed class UserData(string id, int index)
{
    /// <summary>The user's id, or after an erasure their pseudonym.</summary>
    public string Id { get; set; } = id;

    /// <summary>The user's position in the model, and the tag of the user's marks.</summary>
    public int Index { get; } = index;

    /// <summary>Group index per dimension; 0 is "unknown".</summary>
    public int[] Groups { get; set; } = new int[Dimensions.Count];

    /// <summary>The user opted out of being suggested to others (profile <c>suggestions: false</c>), or was erased.</summary>
    public bool SuggestionsOff { get; set; }

    /// <summary>Distinct instants per presence level (see <see cref="PresenceLevels"/>), sorted; null until the user reaches the level.</summary>
    public List<long>?[] Levels { get; } = new List<long>?[PresenceLevels.Slots];

    /// <summary>Ideas the user contributed to, in the order of the first contribution.</summary>
    public List<IdeaData>? Ideas { get; set; }

    /// <summary>Ideas the user owns.</summary>
    public List<IdeaData>? Owned { get; set; }

    /// <summary>The user's contribution ties, by owner.</summary>
    public Dictionary<UserData, TieData>? Ties { get; set; }
}
