using Collaboration.Analytics;
using CsCheck;

namespace Collaboration.Tests.Analytics;

/// <summary>Complementary suppression: what one grouped answer hides can never be narrowed down to a single group.</summary>
public class PrivacyFloorTests
{
    private sealed record Group(string Key, long Users);

    private static List<Group> Apply(IEnumerable<Group> groups, int floor) =>
        PrivacyFloor.Apply(groups, floor, g => g.Key, g => g.Users, hidden => new Group(PrivacyFloor.OtherKey, hidden.Sum(g => g.Users)));

    [Fact]
    public void Groups_of_20_20_and_3_do_not_give_the_3_away_by_subtraction()
    {
        var answer = Apply([new("A", 20), new("B", 20), new("C", 3)], floor: 5);

        // B (the later key of the two smallest shown) joins C: totals minus what is shown is 23, not 3.
        Assert.Equal([new Group("(other)", 23), new Group("A", 20)], answer);
    }

    [Fact]
    public void Without_small_groups_nothing_is_hidden_and_groups_come_largest_first()
    {
        Assert.Equal([new Group("B", 9), new Group("A", 7), new Group("C", 7)], Apply([new("A", 7), new("C", 7), new("B", 9)], floor: 5));
    }

    [Fact]
    public void In_generated_companies_no_hidden_group_can_be_derived_from_the_totals_and_the_shown_groups()
    {
        var companies = Gen.Select(Gen.Int[1, 12], Gen.Long[1, 60].List[2, 25]);
        companies.Sample((floor, sizes) =>
        {
            var groups = sizes.Select((users, i) => new Group($"g{i:D2}", users)).ToList();
            var answer = Apply(groups, floor);

            var shown = answer.Where(g => g.Key != PrivacyFloor.OtherKey).ToList();
            var hidden = groups.Where(g => !shown.Contains(g)).ToList();
            var recovered = groups.Sum(g => g.Users) - shown.Sum(g => g.Users);
            // A hidden group never stands alone in what subtraction recovers, and what is recovered reaches the floor.
            Assert.True(hidden.Count != 1, $"floor {floor}: {string.Join(",", sizes)} hides only {hidden.FirstOrDefault()}");
            Assert.Equal(hidden.Sum(g => g.Users), recovered);
            Assert.True(recovered == 0 || recovered >= floor || shown.Count == 0);
            Assert.All(shown, g => Assert.True(g.Users >= floor));
            // (other) shows exactly what is hidden, when it reaches the floor.
            var other = answer.SingleOrDefault(g => g.Key == PrivacyFloor.OtherKey);
            Assert.Equal(recovered >= floor ? recovered : null, other?.Users);
            Assert.Equal(answer.OrderByDescending(g => g.Users).ThenBy(g => g.Key, StringComparer.Ordinal), answer);
        }, iter: 10_000);
    }
}
