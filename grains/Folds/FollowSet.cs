using Collaboration.Reads;

namespace Collaboration.Folds;

/// <summary>
/// Follow state keyed by the other side of the pair (user ids of an idea's followers, or idea ids a user follows).
/// Order-independent: each key keeps its latest <see cref="FollowMark"/>. Pages are read in ordinal order of key from
/// a sorted copy of the current keys, made at the first page read after a change: a grain that is folded but never
/// paged holds no second structure, and most users decide on no follow at all, so nothing is allocated until one.
/// </summary>
public sealed class FollowSet
{
    private Dictionary<string, FollowMark>? marks;
    private string[]? sorted;

    public int Count { get; private set; }

    /// <summary>Keys with a follow decision, following or not.</summary>
    public int Marks => marks?.Count ?? 0;

    public void Apply(string key, FollowMark mark)
    {
        marks ??= new Dictionary<string, FollowMark>(1, StringComparer.Ordinal);
        var known = marks.TryGetValue(key, out var current);
        if (known && !mark.IsLaterThan(current))
        {
            return;
        }
        marks[key] = mark;
        var change = (mark.Following ? 1 : 0) - (known && current.Following ? 1 : 0);
        if (change != 0)
        {
            Count += change;
            sorted = null;
        }
    }

    /// <summary>The decision in force for <paramref name="key"/>; null when there is none.</summary>
    public FollowMark? MarkOf(string key) => marks is not null && marks.TryGetValue(key, out var mark) ? mark : null;

    /// <summary>The keys followed now, each with the decision that follows it, in no particular order.</summary>
    public IEnumerable<(string Key, FollowMark Mark)> Current =>
        (marks ?? []).Where(pair => pair.Value.Following).Select(pair => (pair.Key, pair.Value));

    public IdPage Page(int limit, string? after)
    {
        sorted ??= [.. (marks ?? []).Where(pair => pair.Value.Following).Select(pair => pair.Key).Order(StringComparer.Ordinal)];
        var first = 0;
        if (after is not null)
        {
            // The first key after `after`: BinarySearch gives its index, or the complement of where it would go.
            var found = Array.BinarySearch(sorted, after, StringComparer.Ordinal);
            first = found >= 0 ? found + 1 : ~found;
        }
        var items = sorted.AsSpan(first, Math.Min(limit + 1, sorted.Length - first)).ToArray();
        return items.Length > limit ? new IdPage(items[..limit], true) : new IdPage(items, false);
    }

    /// <summary>In ordinal order of key, so the same marks folded in any order store the same bytes.</summary>
    public FollowEntry[] ToSnapshot() =>
        [.. (marks ?? []).OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => new FollowEntry(pair.Key, pair.Value.Ticks, pair.Value.EventId, pair.Value.Following))];

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
