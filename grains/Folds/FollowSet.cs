using Collaboration.Reads;

namespace Collaboration.Folds;

/// <summary>
/// Follow state keyed by the other side of the pair (user ids of an idea's followers, or idea ids a user follows).
/// Order-independent: each key keeps its latest <see cref="FollowMark"/>. The current followers are also kept sorted
/// so pages are read in stable ordinal order without sorting.
/// </summary>
public sealed class FollowSet
{
    private readonly Dictionary<string, FollowMark> marks = new(StringComparer.Ordinal);
    private readonly SortedSet<string> following = new(StringComparer.Ordinal);

    public int Count => following.Count;

    /// <summary>Keys with a follow decision, following or not.</summary>
    public int Marks => marks.Count;

    public void Apply(string key, FollowMark mark)
    {
        if (marks.TryGetValue(key, out var current) && !mark.IsLaterThan(current))
        {
            return;
        }
        marks[key] = mark;
        if (mark.Following)
        {
            following.Add(key);
        }
        else
        {
            following.Remove(key);
        }
    }

    public IdPage Page(int limit, string? after)
    {
        IEnumerable<string> rest = following;
        if (after is not null && following.Max is { } max)
        {
            rest = string.CompareOrdinal(after, max) >= 0 ? [] : following.GetViewBetween(after, max).SkipWhile(key => key == after);
        }
        var items = rest.Take(limit + 1).ToArray();
        return items.Length > limit ? new IdPage(items[..limit], true) : new IdPage(items, false);
    }

    /// <summary>In ordinal order of key, so the same marks folded in any order store the same bytes.</summary>
    public FollowEntry[] ToSnapshot() =>
        marks.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => new FollowEntry(pair.Key, pair.Value.Ticks, pair.Value.EventId, pair.Value.Following)).ToArray();

    public static FollowSet FromSnapshot(FollowEntry[] entries)
    {
        var set = new FollowSet();
        foreach (var entry in entries)
        {
            set.Apply(entry.Key, new FollowMark(entry.Ticks, entry.EventId, entry.Following));
        }
        return set;
    }
}

/// <summary>Snapshot form of one follow mark.</summary>
public sealed record FollowEntry(string Key, long Ticks, string EventId, bool Following);
