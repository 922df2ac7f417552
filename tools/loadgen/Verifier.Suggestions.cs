using System.Globalization;
using System.Text.Json;

namespace Collaboration.LoadGen;

/// <summary>
/// Matchmaking: <c>/v1/ideas/{id}/people</c> and <c>/v1/users/{id}/ideas/suggested</c>, read with asOf set to the answers'
/// time and the default limit, compared item by item in order.
/// </summary>
public sealed partial class Verifier
{
    private async Task CheckPeopleAsync(PeopleAnswer expected, DateTimeOffset asOf, CancellationToken cancel)
    {
        var subject = $"people for {expected.IdeaId}";
        using var read = await GetAsync($"v1/ideas/{Uri.EscapeDataString(expected.IdeaId)}/people?by=country&asOf={AsOf(asOf)}", subject, cancel);
        if (read is not null)
        {
            SameItems(subject, expected.People.Select(p => $"{p.UserId} score {p.Score} tags [{string.Join(',', p.SharedTags)}] recent {p.RecentContributions}"),
                read.RootElement.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("why") is var why
                    ? $"{p.GetProperty("userId").GetString()} score {p.GetProperty("score").GetInt32()} " +
                        $"tags [{string.Join(',', why.GetProperty("sharedTags").EnumerateArray().Select(t => t.GetString()))}] recent {why.GetProperty("recentContributions").GetInt32()}"
                    : ""));
        }
    }

    private async Task CheckSuggestedAsync(SuggestedAnswer expected, DateTimeOffset asOf, CancellationToken cancel)
    {
        var subject = $"ideas suggested to {expected.UserId}";
        using var read = await GetAsync($"v1/users/{Uri.EscapeDataString(expected.UserId)}/ideas/suggested?asOf={AsOf(asOf)}", subject, cancel);
        if (read is not null)
        {
            SameItems(subject, expected.Ideas.Select(i => $"{i.IdeaId} score {i.Score} reach {i.Contributors}/{i.Countries} lacks {i.LacksContributors}/{i.LacksCountries}"),
                read.RootElement.GetProperty("items").EnumerateArray().Select(i =>
                    $"{i.GetProperty("ideaId").GetString()} score {i.GetProperty("score").GetInt32()} " +
                    $"reach {i.GetProperty("contributors").GetInt32()}/{i.GetProperty("countries").GetInt32()} " +
                    $"lacks {i.GetProperty("lacks").GetProperty("contributors").GetInt32()}/{i.GetProperty("lacks").GetProperty("countries").GetInt32()}"));
        }
    }

    private void SameItems(string subject, IEnumerable<string> expected, IEnumerable<string> served)
    {
        var (wanted, actual) = (expected.ToList(), served.ToList());
        Same(subject, "items", wanted.Count, actual.Count);
        foreach (var (item, (want, got)) in wanted.Zip(actual).Index())
        {
            Same(subject, $"items[{item}]", want, got);
        }
    }

    private static string AsOf(DateTimeOffset asOf) =>
        Uri.EscapeDataString(asOf.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
}
