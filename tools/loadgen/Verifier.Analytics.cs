using System.Globalization;
using System.Text.Json;

namespace Collaboration.LoadGen;

/// <summary>The E-I index of <c>/v1/stats/ties</c> and the reach of <c>/v1/ideas/{id}</c>.</summary>
public sealed partial class Verifier
{
    public const string OtherGroup = "(other)";

    private async Task CheckTiesAsync(TieAnswer expected, DateTimeOffset asOf, CancellationToken cancel)
    {
        var subject = $"ties window {expected.Window} by {expected.By}";
        var at = Uri.EscapeDataString(asOf.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        using var read = await GetAsync($"v1/stats/ties?window={expected.Window}&by={expected.By}&asOf={at}", subject, cancel);
        if (read is null)
        {
            return;
        }
        var root = read.RootElement;
        var (external, @internal) = (expected.Groups.Sum(g => g.External), expected.Groups.Sum(g => g.Internal));
        Same(subject, "ties", expected.Ties, root.GetProperty("ties").GetInt64());
        Same(subject, "external", external, root.GetProperty("external").GetInt64());
        Same(subject, "internal", @internal, root.GetProperty("internal").GetInt64());
        Near(subject, "eiIndex", GroupTieAnswer.EiIndex(external, @internal), NumberOrNull(root.GetProperty("eiIndex")));
        Near(subject, "meanBreadth", expected.MeanBreadth, NumberOrNull(root.GetProperty("meanBreadth")));

        var served = root.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("key").GetString()!, StringComparer.Ordinal);
        foreach (var group in AfterPrivacyFloor(expected.Groups))
        {
            if (!served.Remove(group.Key, out var actual))
            {
                differences.Add($"{subject}: group {group.Key} missing");
                continue;
            }
            var field = $"groups[{group.Key}]";
            Same(subject, field + ".external", group.External, actual.GetProperty("external").GetInt64());
            Same(subject, field + ".internal", group.Internal, actual.GetProperty("internal").GetInt64());
            Near(subject, field + ".eiIndex", GroupTieAnswer.EiIndex(group.External, group.Internal), NumberOrNull(actual.GetProperty("eiIndex")));
        }
        foreach (var extra in served.Keys)
        {
            differences.Add($"{subject}: group {extra} not expected");
        }
    }

    /// <summary>
    /// The README's privacy floor: groups under it are hidden; if what is hidden adds up to more than zero but less
    /// than the floor, the smallest shown group (the later key among equals) is hidden too; the hidden ones are summed
    /// into "(other)", shown only if that reaches the floor.
    /// </summary>
    private List<GroupTieAnswer> AfterPrivacyFloor(IReadOnlyList<GroupTieAnswer> groups)
    {
        var shown = groups.Where(g => g.Users >= privacyFloor)
            .OrderByDescending(g => g.Users).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var hidden = groups.Where(g => g.Users < privacyFloor).ToList();
        if (hidden.Sum(g => g.Users) is > 0 and var hiddenUsers && hiddenUsers < privacyFloor && shown.Count > 0)
        {
            hidden.Add(shown[^1]);
            shown.RemoveAt(shown.Count - 1);
        }
        if (hidden.Sum(g => g.Users) >= privacyFloor)
        {
            shown.Add(new GroupTieAnswer(OtherGroup, hidden.Sum(g => g.Users), hidden.Sum(g => g.External), hidden.Sum(g => g.Internal)));
        }
        return shown;
    }

    private void CheckReach(string subject, ReachAnswer expected, bool ownerKnown, JsonElement actual)
    {
        if (actual.ValueKind == JsonValueKind.Null)
        {
            differences.Add($"{subject}: reach is null (analytics did not answer)");
            return;
        }
        Same(subject, "reach.contributors", expected.Contributors, actual.GetProperty("contributors").GetInt32());
        Same(subject, "reach.countries", expected.Countries, actual.GetProperty("countries").GetInt32());
        Same(subject, "reach.departments", expected.Departments, actual.GetProperty("departments").GetInt32());
        Same(subject, "reach.functions", expected.Functions, actual.GetProperty("functions").GetInt32());
        Near(subject, "reach.crossBorderShare", expected.CrossBorderShare(ownerKnown), NumberOrNull(actual.GetProperty("crossBorderShare")));
        Same(subject, "reach.criticalMass", expected.CriticalMass, actual.GetProperty("criticalMass").GetBoolean());
    }
}
