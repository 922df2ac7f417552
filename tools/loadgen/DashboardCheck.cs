using System.Globalization;
using System.Text.Json;

namespace Collaboration.LoadGen;

/// <summary>
/// Three dashboards at a fixed asOf against this tool's own fold (<see cref="ExpectedFold"/>) of a set of event lines:
/// participation by country and ties by country in the 28-day window, and the 28-day funnel (its previous tiers come
/// from a second fold ending 28 days earlier). The failover test and benchmark fold exactly the lines the service
/// acknowledged. Every group is compared as it is, so the service must run with Analytics:PrivacyFloor=1 (the floor
/// itself is checked by <see cref="Verifier"/> and the service's tests).
/// </summary>
public sealed class DashboardCheck
{
    /// <summary>28d in <see cref="Windows.Names"/>.</summary>
    internal const int Window = 1;
    private static readonly TimeSpan WindowLength = Windows.Lengths[Window]!.Value;

    private readonly DateTimeOffset asOf;
    private readonly long[] totals;
    private readonly Dictionary<string, long[]> countries;
    private readonly TieAnswer ties;
    private readonly long[][] funnel;

    private DashboardCheck(DateTimeOffset asOf, long[] totals, Dictionary<string, long[]> countries, TieAnswer ties, long[][] funnel)
    {
        (this.asOf, this.totals, this.countries, this.ties, this.funnel) = (asOf, totals, countries, ties, funnel);
    }

    /// <summary>Folds <paramref name="lines"/> (written to acknowledged.ndjson in <paramref name="folder"/>) with the directory.</summary>
    public static DashboardCheck Fold(IEnumerable<string> lines, string directoryPath, DateTimeOffset asOf, string folder)
    {
        var events = Path.Combine(folder, "acknowledged.ndjson");
        File.WriteAllLines(events, lines);
        var now = ExpectedFold.Compute(events, directoryPath, asOf);
        var before = ExpectedFold.Compute(events, directoryPath, asOf - WindowLength).Users.ToDictionary(u => u.UserId, Level);
        var country = Dimensions.ReadDirectory(directoryPath).ToDictionary(row => row.UserId, row => row.Groups[Dimensions.Country]);

        // Per level (0 inactive .. 3 creator), as the service's answers name them.
        var totals = new long[Tiers.Names.Length];
        var countries = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var funnel = Enumerable.Range(0, Tiers.Names.Length).Select(_ => new long[Tiers.Names.Length]).ToArray();
        foreach (var user in now.Users)
        {
            var level = Level(user);
            totals[level]++;
            var group = country.GetValueOrDefault(user.UserId, Dimensions.Unknown);
            if (!countries.TryGetValue(group, out var counts))
            {
                countries.Add(group, counts = new long[Tiers.Names.Length]);
            }
            counts[level]++;
            funnel[before[user.UserId]][level]++;
        }
        return new DashboardCheck(asOf, totals, countries, now.Ties!.Single(t => t.Window == Windows.Names[Window] && t.By == "country"), funnel);
    }

    /// <summary>What the expected answers hold, to show that a comparison had something to compare.</summary>
    public string Describe() =>
        $"{totals.Sum():N0} users in {countries.Count} countries ({totals[3]} creators, {totals[2]} editors, {totals[1]} audience), " +
        $"{ties.Ties:N0} ties ({ties.Groups.Sum(g => g.External):N0} external) in {Windows.Names[Window]}";

    /// <summary>Reads each dashboard once; the differences from the fold, none when every answer is exact.</summary>
    public async Task<IReadOnlyList<string>> DifferencesAsync(HttpClient client, CancellationToken cancel = default) =>
        Differences(await DashboardReading.ReadAsync(client, asOf, cancel));

    /// <summary>The differences of a reading (taken at this check's asOf) from the fold.</summary>
    public IReadOnlyList<string> Differences(DashboardReading reading)
    {
        var differences = new List<string>(reading.Errors);
        if (reading.Participation is { } participation)
        {
            CompareParticipation(participation, differences);
        }
        if (reading.Ties is { } served)
        {
            CompareTies(served, differences);
        }
        if (reading.Funnel is { } funnelAnswer)
        {
            CompareFunnel(funnelAnswer.GetProperty("moves"), differences);
        }
        return differences;
    }

    private void CompareParticipation(JsonElement served, List<string> differences)
    {
        CompareTiers("participation", totals, served, differences);
        var groups = served.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("key").GetString()!, StringComparer.Ordinal);
        foreach (var (key, counts) in countries)
        {
            if (groups.Remove(key, out var group))
            {
                CompareTiers($"participation group {key}", counts, group, differences);
            }
            else
            {
                differences.Add($"participation: group {key} missing");
            }
        }
        differences.AddRange(groups.Keys.Select(key => $"participation: group {key} not expected"));
    }

    private static void CompareTiers(string subject, long[] expected, JsonElement served, List<string> differences)
    {
        Same(subject, "users", expected.Sum(), served.GetProperty("users").GetInt64(), differences);
        string[] fields = ["inactive", "audience", "editors", "creators"];
        for (var level = 0; level < fields.Length; level++)
        {
            Same(subject, fields[level], expected[level], served.GetProperty(fields[level]).GetInt64(), differences);
        }
    }

    private void CompareTies(JsonElement served, List<string> differences)
    {
        var (external, @internal) = (ties.Groups.Sum(g => g.External), ties.Groups.Sum(g => g.Internal));
        Same("ties", "ties", ties.Ties, served.GetProperty("ties").GetInt64(), differences);
        Same("ties", "external", external, served.GetProperty("external").GetInt64(), differences);
        Same("ties", "internal", @internal, served.GetProperty("internal").GetInt64(), differences);
        Near("ties", "eiIndex", GroupTieAnswer.EiIndex(external, @internal), served.GetProperty("eiIndex"), differences);
        Near("ties", "meanBreadth", ties.MeanBreadth, served.GetProperty("meanBreadth"), differences);
        var groups = served.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("key").GetString()!, StringComparer.Ordinal);
        foreach (var expected in ties.Groups)
        {
            if (!groups.Remove(expected.Key, out var group))
            {
                differences.Add($"ties: group {expected.Key} missing");
                continue;
            }
            var subject = $"ties group {expected.Key}";
            Same(subject, "external", expected.External, group.GetProperty("external").GetInt64(), differences);
            Same(subject, "internal", expected.Internal, group.GetProperty("internal").GetInt64(), differences);
        }
        differences.AddRange(groups.Keys.Select(key => $"ties: group {key} not expected"));
    }

    private void CompareFunnel(JsonElement moves, List<string> differences)
    {
        string[] tiers = ["inactive", "audience", "editor", "creator"];
        for (var from = 0; from < tiers.Length; from++)
        {
            for (var to = 0; to < tiers.Length; to++)
            {
                Same("funnel", $"moves.{tiers[from]}.{tiers[to]}", funnel[from][to], moves.GetProperty(tiers[from]).GetProperty(tiers[to]).GetInt64(), differences);
            }
        }
    }

    private static int Level(UserAnswer user) => Array.IndexOf(Tiers.Names, Tiers.FromLetter(user.Tiers[Window]));

    private static void Same(string subject, string field, long expected, long actual, List<string> differences)
    {
        if (expected != actual)
        {
            differences.Add($"{subject}: {field} expected {expected}, got {actual}");
        }
    }

    /// <summary>Ratios of the same integers on both sides, so only rounding could tell them apart.</summary>
    private static void Near(string subject, string field, double? expected, JsonElement actual, List<string> differences)
    {
        double? served = actual.ValueKind == JsonValueKind.Null ? null : actual.GetDouble();
        if (expected.HasValue != served.HasValue || (expected is { } e && served is { } a && Math.Abs(e - a) > 1e-9))
        {
            differences.Add($"{subject}: {field} expected {expected?.ToString("R", CultureInfo.InvariantCulture) ?? "null"}, got {served?.ToString("R", CultureInfo.InvariantCulture) ?? "null"}");
        }
    }
}
