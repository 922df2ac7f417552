namespace Collaboration.Api.Analytics;

/// <summary>
/// Keeps small groups from being singled out: groups with fewer than <c>floor</c> users are summed into one
/// "(other)" group, which is shown only if it has at least <c>floor</c> users itself. Groups come largest first,
/// "(other)" among them by its size; equal sizes by key in ordinal order.
/// </summary>
public static class PrivacyFloor
{
    public const string OtherKey = "(other)";

    public static List<T> Apply<T>(
        IEnumerable<T> groups, int floor, Func<T, string> key, Func<T, long> users, Func<IReadOnlyList<T>, T> combineAsOther)
    {
        var shown = new List<T>();
        var small = new List<T>();
        foreach (var group in groups)
        {
            (users(group) >= floor ? shown : small).Add(group);
        }
        if (small.Count > 0 && small.Sum(users) >= floor)
        {
            shown.Add(combineAsOther(small));
        }
        shown.Sort((a, b) => users(b).CompareTo(users(a)) is var bySize && bySize != 0 ? bySize : string.CompareOrdinal(key(a), key(b)));
        return shown;
    }
}
