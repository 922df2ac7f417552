namespace Collaboration.Analytics;

/// <summary>
/// Keeps small groups from being singled out, with complementary suppression. Groups with fewer than <c>floor</c>
/// users are hidden. Since totals are always complete, what is hidden can be recovered as the totals minus the shown
/// groups; when that is more than zero but under the floor, the smallest shown groups are hidden too until it reaches
/// the floor (or nothing is left to show). The hidden groups are summed into one "(other)" group, shown when it
/// reaches the floor. So a hidden group is never alone in what subtraction recovers.
///
/// Groups come largest first, "(other)" among them by its size; equal sizes by key in ordinal order, so the group
/// hidden first among equals is the one with the later key.
/// </summary>
public static class PrivacyFloor
{
    public const string OtherKey = "(other)";

    public static List<T> Apply<T>(
        IEnumerable<T> groups, int floor, Func<T, string> key, Func<T, long> users, Func<IReadOnlyList<T>, T> combineAsOther)
    {
        var ordered = groups.ToList();
        ordered.Sort(LargestFirst(key, users));
        var shown = ordered.Count(group => users(group) >= floor);
        var hidden = ordered.Skip(shown).Sum(users);
        if (hidden > 0 && hidden < floor && shown > 0)
        {
            // One is enough: a shown group has at least the floor's users.
            shown--;
            hidden += users(ordered[shown]);
        }
        var answer = ordered.Take(shown).ToList();
        if (hidden >= floor)
        {
            answer.Add(combineAsOther(ordered.Skip(shown).ToList()));
            answer.Sort(LargestFirst(key, users));
        }
        return answer;
    }

    private static Comparison<T> LargestFirst<T>(Func<T, string> key, Func<T, long> users) =>
        (a, b) => users(b).CompareTo(users(a)) is var bySize && bySize != 0 ? bySize : string.CompareOrdinal(key(a), key(b));
}
