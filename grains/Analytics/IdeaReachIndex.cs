using Collaboration.Folds;
using Collaboration.Reads;

namespace Collaboration.Analytics;

/// <summary>
/// Idea reach: every idea with its first create (owner and title), its contributors' instants and its views, and the
/// rankings of ideas by reach, contributors or views in a window.
/// </summary>
internal sealed class IdeaReachIndex(Population population)
{
    private readonly Dictionary<string, IdeaData> ideas = new(StringComparer.Ordinal);
    private readonly List<IdeaData> inOrder = [];

    /// <summary>The ideas by tag (their first create's).</summary>
    public TagIndex Tags { get; } = new();

    public int Count => ideas.Count;

    public IdeaData GetOrAdd(string ideaId)
    {
        if (!ideas.TryGetValue(ideaId, out var idea))
        {
            ideas[ideaId] = idea = new IdeaData(ideaId, inOrder.Count);
            inOrder.Add(idea);
        }
        return idea;
    }

    public bool TryGet(string ideaId, out IdeaData idea) => ideas.TryGetValue(ideaId, out idea!);

    /// <summary>The ideas by <see cref="IdeaData.Index"/>.</summary>
    public IReadOnlyList<IdeaData> InOrder => inOrder;

    /// <summary>Sets the idea's first create, moving it between the tag lists when its tags change.</summary>
    public void SetFirst(IdeaData idea, FirstCreate? first)
    {
        var before = idea.First;
        idea.First = first;
        Tags.Move(idea, before);
    }

    /// <summary>Forgets the contributions and views before <paramref name="before"/> (see <see cref="Coverage.ForgetBefore"/>).</summary>
    public void ForgetBefore(long before)
    {
        foreach (var idea in ideas.Values)
        {
            foreach (var instants in idea.Contributions.Values)
            {
                Coverage.ForgetBefore(instants, before);
            }
            idea.ViewsBefore += idea.Views.ForgetBefore(DayTotals.DayOf(before));
            idea.Version++;
        }
    }

    public IdeaReach? Reach(string ideaId, ReadWindow window, DateTimeOffset end, CriticalMass? criticalMass) =>
        ideas.TryGetValue(ideaId, out var idea) ? Reach(idea, ModelWindows.Length(ModelWindows.IndexOf(window)), end.UtcTicks, criticalMass) : null;

    /// <summary>
    /// Ranks by a cheap key first (contributors or views per idea) and computes the full reach only for ideas that can
    /// still make the list: an idea's contributor countries never exceed its contributors.
    /// </summary>
    public RankedIdea[] TopIdeas(ReadWindow window, DateTimeOffset end, IdeaRanking ranking, int limit, CriticalMass? criticalMass)
    {
        var length = ModelWindows.Length(ModelWindows.IndexOf(window));
        var at = end.UtcTicks;
        var candidates = ideas.Values
            .Select(idea => (Idea: idea, Contributors: CountContributors(idea, length, at), Views: idea.ViewsWithin(length, at)))
            .ToList();
        RankedIdea Ranked((IdeaData Idea, int Contributors, long Views) c) =>
            new(c.Idea.Id, c.Idea.Owner?.Id, c.Idea.First?.Title, c.Views, Reach(c.Idea, length, at, criticalMass));
        if (ranking != IdeaRanking.Reach)
        {
            var byKey = ranking == IdeaRanking.Views
                ? candidates.OrderByDescending(c => c.Views)
                : candidates.OrderByDescending(c => c.Contributors);
            return [.. byKey.ThenBy(c => c.Idea.Id, StringComparer.Ordinal).Take(limit).Select(Ranked)];
        }
        var best = new List<RankedIdea>();
        foreach (var candidate in candidates.OrderByDescending(c => c.Contributors).ThenBy(c => c.Idea.Id, StringComparer.Ordinal))
        {
            if (best.Count == limit && candidate.Contributors < best[^1].Reach.Countries)
            {
                break;
            }
            best.Add(Ranked(candidate));
            best.Sort(ByReach);
            if (best.Count > limit)
            {
                best.RemoveAt(limit);
            }
        }
        return [.. best];
    }

    private static int ByReach(RankedIdea a, RankedIdea b) =>
        a.Reach.Countries != b.Reach.Countries ? b.Reach.Countries.CompareTo(a.Reach.Countries)
        : a.Reach.Contributors != b.Reach.Contributors ? b.Reach.Contributors.CompareTo(a.Reach.Contributors)
        : string.CompareOrdinal(a.IdeaId, b.IdeaId);

    private static int CountContributors(IdeaData idea, long length, long at)
    {
        var count = 0;
        foreach (var (user, instants) in idea.Contributions)
        {
            if (user != idea.Owner && Coverage.AnyWithin(instants, length, at))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>The idea's contributors other than its owner in the window, counted by their group now; null for an idea no event names.</summary>
    public Dictionary<int, long>? ContributorsByGroup(string ideaId, ReadWindow window, DateTimeOffset end, Dimension by)
    {
        if (!ideas.TryGetValue(ideaId, out var idea))
        {
            return null;
        }
        var (length, at) = (ModelWindows.Length(ModelWindows.IndexOf(window)), end.UtcTicks);
        var byGroup = new Dictionary<int, long>();
        foreach (var (user, instants) in idea.Contributions)
        {
            if (user != idea.Owner && Coverage.AnyWithin(instants, length, at))
            {
                byGroup[user.Groups[(int)by]] = byGroup.GetValueOrDefault(user.Groups[(int)by]) + 1;
            }
        }
        return byGroup;
    }

    public static IdeaReach Reach(IdeaData idea, long length, long at, CriticalMass? criticalMass)
    {
        var countries = new HashSet<int>();
        var departments = new HashSet<int>();
        var functions = new HashSet<int>();
        int contributors = 0, crossBorder = 0;
        foreach (var (user, instants) in idea.Contributions)
        {
            if (user == idea.Owner || !Coverage.AnyWithin(instants, length, at))
            {
                continue;
            }
            contributors++;
            countries.Add(user.Groups[(int)Dimension.Country]);
            departments.Add(user.Groups[(int)Dimension.Department]);
            functions.Add(user.Groups[(int)Dimension.Function]);
            if (idea.Owner is { } owner && owner.Groups[(int)Dimension.Country] != user.Groups[(int)Dimension.Country])
            {
                crossBorder++;
            }
        }
        double? share = contributors > 0 && idea.Owner is not null ? (double)crossBorder / contributors : null;
        return new IdeaReach(contributors, countries.Count, departments.Count, functions.Count, share,
            criticalMass?.IsReachedBy(contributors, countries.Count) ?? false);
    }

    /// <summary>
    /// The ideas (numbered in this order) with owners, first creates, contributions and views; then each user's
    /// contributed and owned ideas by those numbers.
    /// </summary>
    public void WriteTo(ModelWriter writer)
    {
        var list = inOrder;
        writer.WriteUniqueStrings([.. list.Select(i => i.Id)]);
        writer.WriteItems<int>([.. list.Select(i => i.Owner?.Index ?? -1)]);
        foreach (var idea in list)
        {
            WriteFirst(writer, idea.First);
        }
        writer.WriteItems<int>([.. list.Select(i => i.Contributions.Count)]);
        writer.WriteItems<int>([.. list.SelectMany(i => i.Contributions.Keys).Select(u => u.Index)]);
        writer.WriteLists(list.SelectMany(i => i.Contributions.Values));
        writer.WriteItems<int>([.. list.Select(i => i.Views.Days)]);
        writer.WriteItems<int>([.. list.SelectMany(i => i.Views.Entries).Select(v => v.Day)]);
        writer.WriteItems<int>([.. list.SelectMany(i => i.Views.Entries).Select(v => v.Count)]);
        writer.WriteItems<long>([.. list.Select(i => i.ViewsBefore)]);
        writer.WriteLists(population.Users.Select(u => u.Ideas?.ConvertAll(i => i.Index)));
        writer.WriteLists(population.Users.Select(u => u.Owned?.ConvertAll(i => i.Index)));
    }

    public static IdeaReachIndex ReadFrom(ModelReader reader, Population population)
    {
        var index = new IdeaReachIndex(population);
        var list = reader.ReadUniqueStrings().Select((id, i) => new IdeaData(id, i)).ToArray();
        var owners = reader.ReadItems<int>(list.Length);
        foreach (var (idea, owner) in list.Zip(owners))
        {
            idea.Owner = owner == -1 ? null : population[owner];
            idea.First = ReadFirst(reader, idea.Owner);
            index.ideas.Add(idea.Id, idea);
            index.inOrder.Add(idea);
            index.Tags.Add(idea);
        }
        var contributorCounts = reader.ReadItems<int>(list.Length);
        var contributors = reader.ReadItems<int>(contributorCounts.Any(n => n < 0)
            ? throw ModelReader.Damaged("a negative count") : checked(contributorCounts.Sum()));
        var contributions = reader.ReadLists<long>(contributors.Length);
        var pair = 0;
        foreach (var (idea, count) in list.Zip(contributorCounts))
        {
            for (var end = pair + count; pair < end; pair++)
            {
                idea.Contributions.Add(population[contributors[pair]],
                    contributions[pair] is { Count: > 0 } instants ? instants : throw ModelReader.Damaged("a contributor without instants"));
            }
        }
        var viewDays = reader.ReadItems<int>(list.Length);
        var entries = viewDays.Any(n => n < 0) ? throw ModelReader.Damaged("a negative count") : checked(viewDays.Sum());
        var days = reader.ReadItems<int>(entries);
        var counts = reader.ReadItems<int>(entries);
        var entry = 0;
        foreach (var (idea, count) in list.Zip(viewDays))
        {
            for (var end = entry + count; entry < end; entry++)
            {
                idea.Views.Add(days[entry], counts[entry] > 0 ? counts[entry] : throw ModelReader.Damaged("a day without views"));
            }
        }
        foreach (var (idea, before) in list.Zip(reader.ReadItems<long>(list.Length)))
        {
            idea.ViewsBefore = before >= 0 ? before : throw ModelReader.Damaged("a negative view count");
        }
        var contributedTo = reader.ReadLists<int>(population.Count);
        var owned = reader.ReadLists<int>(population.Count);
        for (var u = 0; u < population.Count; u++)
        {
            population[u].Ideas = contributedTo[u]?.ConvertAll(i => list[i]);
            population[u].Owned = owned[u]?.ConvertAll(i => list[i]);
        }
        return index;
    }

    private static void WriteFirst(ModelWriter writer, FirstCreate? first)
    {
        if (first is null)
        {
            writer.Write(-1);
            return;
        }
        writer.Write(0);
        writer.Write(first.Ticks);
        writer.WriteString(first.EventId);
        writer.WriteString(first.Title);
        writer.Write(first.Tags?.Length ?? -1);
        foreach (var tag in first.Tags ?? [])
        {
            writer.WriteString(tag);
        }
    }

    /// <summary>The first create's user is the idea's owner, so only the owner's number is stored.</summary>
    private static FirstCreate? ReadFirst(ModelReader reader, UserData? owner)
    {
        if (reader.ReadIndex(1, low: -1) == -1)
        {
            return null;
        }
        var ticks = reader.ReadLong();
        var eventId = reader.ReadString() ?? throw ModelReader.Damaged("a first create without an event id");
        var userId = owner?.Id ?? throw ModelReader.Damaged("a first create without an owner");
        var title = reader.ReadString();
        var tagCount = reader.ReadCount(sizeof(int), nullable: true);
        var tags = tagCount == -1 ? null : new string[tagCount];
        for (var i = 0; i < tags?.Length; i++)
        {
            tags[i] = reader.ReadString() ?? throw ModelReader.Damaged("a null tag");
        }
        return new FirstCreate(ticks, eventId, userId, title, tags);
    }
}
