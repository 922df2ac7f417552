using Collaboration.Folds;

namespace Collaboration.Analytics;

/// <summary>
/// The ideas with each tag, tags compared ignoring case: where interests and matchmaking start from (see
/// <see cref="Matchmaking"/>). One reference per idea and tag; interests themselves are computed when asked, not kept.
/// </summary>
internal sealed class TagIndex
{
    private readonly Dictionary<string, List<IdeaData>> byTag = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many (tag, idea) pairs it holds.</summary>
    public long Pairs => byTag.Values.Sum(list => (long)list.Count);

    /// <summary>The ideas whose first create has <paramref name="tag"/> (ignoring case); each once.</summary>
    public IReadOnlyList<IdeaData> Tagged(string tag) => byTag.TryGetValue(tag, out var tagged) ? tagged : [];

    /// <summary>The distinct tags of a first create, ignoring case, the first spelling kept.</summary>
    public static string[] TagsOf(FirstCreate? first) => first?.Tags is { Length: > 0 } tags ? [.. tags.Distinct(StringComparer.OrdinalIgnoreCase)] : [];

    /// <summary>Files the idea under the tags of its first create.</summary>
    public void Add(IdeaData idea)
    {
        foreach (var tag in TagsOf(idea.First))
        {
            if (!byTag.TryGetValue(tag, out var tagged))
            {
                byTag[tag] = tagged = [];
            }
            tagged.Add(idea);
        }
    }

    /// <summary>Moves the idea from the tags of <paramref name="before"/> to those of its first create now (a late, earlier create).</summary>
    public void Move(IdeaData idea, FirstCreate? before)
    {
        var (old, now) = (TagsOf(before), TagsOf(idea.First));
        if (old.SequenceEqual(now, StringComparer.OrdinalIgnoreCase))
        {
            return;
        }
        foreach (var tag in old)
        {
            byTag[tag].Remove(idea);
        }
        Add(idea);
    }

    /// <summary>An index of the same ideas, built anew: what the benchmark weighs.</summary>
    public TagIndex Copy()
    {
        var copy = new TagIndex();
        foreach (var (tag, tagged) in byTag)
        {
            copy.byTag[tag] = [.. tagged];
        }
        return copy;
    }
}
