namespace Collaboration.LoadGen;

/// <summary>Wire names of <see cref="EventType"/> and the participation level each one gives.</summary>
public static class EventTypes
{
    public const int Count = 8;

    public static readonly string[] Names = ["create", "comment", "like", "edit", "share", "view", "follow", "unfollow"];

    public static string Name(this EventType type) => Names[(int)type];

    public static EventType Parse(string? name)
    {
        var index = Array.IndexOf(Names, name);
        return index >= 0 ? (EventType)index : throw new FormatException($"unknown event type '{name}'");
    }

    /// <summary>The README's contributions: a comment, like, edit or share, or a create of a thread.</summary>
    public static bool IsContribution(this EventType type, bool onThread) =>
        type is EventType.Comment or EventType.Like or EventType.Edit or EventType.Share || (type == EventType.Create && onThread);

    /// <summary>3 creator, 2 editor, 1 audience (0 is inactive), as the README ranks them.</summary>
    public static byte Level(this EventType type) => type switch
    {
        EventType.Create => 3,
        EventType.Comment or EventType.Like or EventType.Edit or EventType.Share => 2,
        _ => 1,
    };
}
