using Collaboration.Events;

namespace Collaboration.Analytics;

/// <summary>
/// The levels at which a user can be present in a window, numbered as <see cref="ParticipationLevel"/>: audience (any
/// interaction), editor (a contribution or a create) and creator (a create). They nest, so a user's tier is the
/// highest level present. Arrays indexed by level have <see cref="Slots"/> entries; the inactive slot stays empty.
/// </summary>
internal static class PresenceLevels
{
    public const int First = (int)ParticipationLevel.Audience;

    public const int Last = (int)ParticipationLevel.Creator;

    public const int Slots = Last + 1;

    public const int Audience = (int)ParticipationLevel.Audience;

    public const int Editor = (int)ParticipationLevel.Editor;

    public const int Creator = (int)ParticipationLevel.Creator;

    /// <summary>The users whose tier is <paramref name="level"/>, from the users present per level: levels nest, so a difference.</summary>
    public static long Tier(ReadOnlySpan<long> present, int level) => present[level] - (level < Last ? present[level + 1] : 0);

    /// <summary>Per level, one array of <paramref name="count"/> new items; the inactive slot an empty array.</summary>
    public static T[][] New<T>(int count, Func<T> create) =>
        [.. Enumerable.Range(0, Slots).Select(level => level < First ? [] : Enumerable.Range(0, count).Select(_ => create()).ToArray())];
}
