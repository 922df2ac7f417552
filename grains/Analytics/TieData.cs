namespace Collaboration.Analytics;

/// <summary>A contributor's tie to an idea owner: the distinct instants of their contributions to the owner's ideas.</summary>
internal sealed class TieData(int tag, UserData user, UserData owner)
{
    /// <summary>The tie's position among all ties, and the tag of its marks.</summary>
    public int Tag { get; } = tag;

    public UserData User { get; } = user;

    public UserData Owner { get; } = owner;

    public List<long> Instants { get; } = new(1);
}
