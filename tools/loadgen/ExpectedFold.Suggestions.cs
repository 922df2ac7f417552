using System.Numerics;
using System.Runtime.InteropServices;

namespace Collaboration.LoadGen;

/// <summary>
/// Matchmaking at the answers' time, by the README's rules: a user's interest in a tag sums, over the ideas with that
/// tag (ignoring case), the UTC days of the 90 ending with now's day on which they created the idea (its owner's create)
/// or contributed to it, worth 4, 2 or 1 by age in 30-day steps. Each (idea, user) keeps those days as a 90-bit mask.
/// </summary>
public sealed partial class ExpectedFold
{
    /// <summary>How many ideas' people and users' suggested ideas are worked out (spread evenly over those that can have some).</summary>
    public const int SuggestionsSample = 200;

    /// <summary>The length of those lists, the api's default <c>limit</c>.</summary>
    public const int SuggestionsLimit = 10;

    private const int InterestDays = 90;

    private readonly Dictionary<(int Idea, int User), UInt128> contributionDays = [];
    private readonly List<string[]> ownerTags = [];

    /// <summary>Records the UTC day of a contribution when it is one of the 90 ending with now's day.</summary>
    private void ContributedOnDay(int idea, int user, long ticks)
    {
        if (Age(ticks) is int age and >= 0 and < InterestDays)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(contributionDays, (idea, user), out _) |= UInt128.One << age;
        }
    }

    private void Owned(int idea, string[]? tags) => ownerTags[idea] = tags is null ? [] : [.. tags.Distinct(StringComparer.OrdinalIgnoreCase)];

    private int Age(long ticks) => (int)(now.UtcTicks / TimeSpan.TicksPerDay - ticks / TimeSpan.TicksPerDay);

    private (List<PeopleAnswer> People, List<SuggestedAnswer> Suggested) Suggestions(ReachAnswer[][] reach)
    {
        // Every (idea, user) with activity in the 90 days: contribution days, and the owner's create day.
        var activity = new Dictionary<(int Idea, int User), UInt128>(contributionDays);
        for (var i = 0; i < ideaIds.Count; i++)
        {
            if (owners[i] is { } owner && Age(owner.Ticks) is int age and >= 0 and < InterestDays)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(activity, (i, userIndex[owner.UserId]), out _) |= UInt128.One << age;
            }
        }
        var interests = new Dictionary<int, Dictionary<string, int>>();
        var recent = new Dictionary<int, int>();
        foreach (var ((idea, user), days) in activity)
        {
            recent[user] = recent.GetValueOrDefault(user) + (int)UInt128.PopCount(days);
            if (!interests.TryGetValue(user, out var perTag))
            {
                interests[user] = perTag = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            }
            foreach (var tag in ownerTags[idea])
            {
                perTag[tag] = perTag.GetValueOrDefault(tag) + Weight(days);
            }
        }

        var ninety = Array.IndexOf(Windows.Names, "90d");
        var tagged = Enumerable.Range(0, ideaIds.Count).Where(i => owners[i] is not null && ownerTags[i].Length > 0).ToList();
        var people = Spread(tagged, SuggestionsSample).Select(idea =>
        {
            var owner = OwnerOf(idea)!.Value;
            var ownerCountry = userGroups[owner][Dimensions.Country];
            var ranked = interests
                .Where(pair => pair.Key != owner && !latestContribution.ContainsKey((idea, pair.Key))
                    && userGroups[pair.Key][Dimensions.Country] is var country && country != Dimensions.Unknown && country != ownerCountry)
                .Select(pair => (User: pair.Key, PerTag: ownerTags[idea].Select(t => pair.Value.GetValueOrDefault(t)).ToArray()))
                .Where(c => c.PerTag.Sum() > 0)
                .OrderByDescending(c => c.PerTag.Sum()).ThenBy(c => userIds[c.User], StringComparer.Ordinal)
                .Take(SuggestionsLimit)
                .Select(c => new PersonAnswer(userIds[c.User], c.PerTag.Sum(), Shared(ownerTags[idea], c.PerTag), recent[c.User]));
            return new PeopleAnswer(ideaIds[idea], [.. ranked]);
        }).ToList();

        var interested = interests.Keys.Order().ToList();
        var suggested = Spread(interested, SuggestionsSample).Select(user =>
        {
            var perTag = interests[user];
            var ranked = tagged
                .Where(idea => OwnerOf(idea) is { } owner && owner != user && !latestContribution.ContainsKey((idea, user))
                    && !(follows.TryGetValue((user, idea), out var mark) && mark.Following)
                    && (Differ(owner, user, Dimensions.Country) || Differ(owner, user, Dimensions.Function))
                    && !reach[idea][ninety].CriticalMass)
                .Select(idea => (Idea: idea, Score: ownerTags[idea].Sum(t => perTag.GetValueOrDefault(t)), Reach: reach[idea][ninety]))
                .Where(c => c.Score > 0)
                .Select(c => new SuggestedIdeaAnswer(ideaIds[c.Idea], c.Score, c.Reach.Contributors, c.Reach.Countries,
                    Math.Max(0, ReachAnswer.CriticalMassContributors - c.Reach.Contributors), Math.Max(0, ReachAnswer.CriticalMassCountries - c.Reach.Countries)))
                .OrderBy(s => s.LacksContributors + s.LacksCountries).ThenByDescending(s => s.Score).ThenBy(s => s.IdeaId, StringComparer.Ordinal)
                .Take(SuggestionsLimit);
            return new SuggestedAnswer(userIds[user], [.. ranked]);
        }).ToList();
        return (people, suggested);
    }

    /// <summary>4 per day of the last 30, 2 per day of the 30 before, 1 per day of the 30 before those (bit k is k days old).</summary>
    private static int Weight(UInt128 days)
    {
        var month = (UInt128.One << 30) - 1;
        return 4 * (int)UInt128.PopCount(days & month) + 2 * (int)UInt128.PopCount((days >> 30) & month) + (int)UInt128.PopCount((days >> 60) & month);
    }

    private static string[] Shared(string[] tags, int[] perTag) =>
        [.. tags.Select((tag, i) => (Tag: tag, Interest: perTag[i])).Where(t => t.Interest > 0).OrderByDescending(t => t.Interest).Select(t => t.Tag)];

    private bool Differ(int a, int b, int dimension) =>
        userGroups[a][dimension] is var x && userGroups[b][dimension] is var y && x != Dimensions.Unknown && y != Dimensions.Unknown && x != y;

    private static IEnumerable<int> Spread(List<int> items, int count)
    {
        var step = Math.Max(1, items.Count / count);
        return items.Where((_, i) => i % step == 0).Take(count);
    }
}

/// <summary>What <c>GET /v1/ideas/{id}/people?by=country</c> must list for one idea (the first 10, best first).</summary>
public sealed record PeopleAnswer(string IdeaId, IReadOnlyList<PersonAnswer> People);

public sealed record PersonAnswer(string UserId, int Score, string[] SharedTags, int RecentContributions);

/// <summary>What <c>GET /v1/users/{id}/ideas/suggested</c> must list for one user (the first 10, closest to critical mass first).</summary>
public sealed record SuggestedAnswer(string UserId, IReadOnlyList<SuggestedIdeaAnswer> Ideas);

public sealed record SuggestedIdeaAnswer(string IdeaId, int Score, int Contributors, int Countries, int LacksContributors, int LacksCountries);
