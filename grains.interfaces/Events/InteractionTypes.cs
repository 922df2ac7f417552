namespace Collaboration.Events;

/// <summary>Wire names and participation levels of <see cref="InteractionType"/>.</summary>
public static class InteractionTypes
{
    public const int Count = 8;

    private static readonly string[] Names = ["create", "comment", "like", "edit", "share", "view", "follow", "unfollow"];

    public static string ToWireName(this InteractionType type) => Names[(int)type];

    public static bool TryParse(string? name, out InteractionType type)
    {
        var index = Array.IndexOf(Names, name);
        type = (InteractionType)Math.Max(index, 0);
        return index >= 0;
    }

    public static ParticipationLevel Level(this InteractionType type) => type switch
    {
        InteractionType.Create => ParticipationLevel.Creator,
        InteractionType.Comment or InteractionType.Like or InteractionType.Edit or InteractionType.Share => ParticipationLevel.Editor,
        _ => ParticipationLevel.Audience,
    };

    /// <summary>Tier names as the API spells them.</summary>
    public static string ToWireName(this ParticipationLevel level) => level switch
    {
        ParticipationLevel.Creator => "creator",
        ParticipationLevel.Editor => "editor",
        ParticipationLevel.Audience => "audience",
        _ => "inactive",
    };
}
