using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Collaboration.LoadGen;

/// <summary>
/// The <c>verify</c> command: reads users, ideas and contribution ties back from the service and compares them with
/// the expected answers. User and idea reads end their windows at the service's own "now", so the 7d/28d/90d tiers
/// and reach are only compared while <paramref name="serviceClock"/> is within <see cref="Windows.EdgeMargin"/> of the
/// answers' time, and only for users and ideas with no event that near a window's edge; the all-time tier, totals,
/// following, every idea field and the all-time reach never depend on the clock and are always compared. Ties are
/// read with asOf set to the answers' time, so every window of them is always compared (see Verifier.Analytics.cs).
/// </summary>
/// <param name="privacyFloor">The service's Analytics:PrivacyFloor.</param>
public sealed partial class Verifier(HttpClient client, TimeProvider serviceClock, int concurrency = 16, int privacyFloor = Verifier.DefaultPrivacyFloor)
{
    /// <summary>The api's default Analytics:PrivacyFloor.</summary>
    public const int DefaultPrivacyFloor = 5;

    public const int MaxListed = 20;
    private const int MaxAttempts = 5;

    private readonly ConcurrentBag<string> differences = [];
    private long windowedSkipped;

    /// <param name="userLimit">Compare only this many users, spread evenly over the list; null compares all.</param>
    public async Task<VerifyReport> RunAsync(ExpectedAnswers expected, int? userLimit = null, CancellationToken cancel = default)
    {
        if (!expected.HasTiesAndReach)
        {
            throw new ArgumentException("the answers have no ties or reach (an older expected.json); fold them again from events.ndjson", nameof(expected));
        }
        // The clock only moves forward, so after this only the upper bound can be crossed: WithinMargin checks it after each read.
        var windows = expected.EdgesKnown && (expected.Now - serviceClock.GetUtcNow()).Duration() <= Windows.EdgeMargin;
        var users = Sample(expected.Users, userLimit ?? expected.Users.Count);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancel };
        await Parallel.ForEachAsync(users, parallel, async (user, ct) => await CheckUserAsync(user, windows, expected.Now, ct));
        await Parallel.ForEachAsync(expected.Ideas, parallel, async (idea, ct) => await CheckIdeaAsync(idea, windows, expected.Now, ct));
        await Parallel.ForEachAsync(expected.Ties!, parallel, async (ties, ct) => await CheckTiesAsync(ties, expected.Now, ct));
        // Updates never depend on the clock: always compared, for the sample the answers hold.
        var updates = expected.Updates ?? [];
        await Parallel.ForEachAsync(updates, parallel, async (answer, ct) => await CheckUpdatesAsync(answer, ct));
        // Suggestions are read with asOf: always compared, for the samples the answers hold.
        var (people, suggested) = (expected.People ?? [], expected.Suggested ?? []);
        await Parallel.ForEachAsync(people, parallel, async (answer, ct) => await CheckPeopleAsync(answer, expected.Now, ct));
        await Parallel.ForEachAsync(suggested, parallel, async (answer, ct) => await CheckSuggestedAsync(answer, expected.Now, ct));
        var listed = differences.Order(StringComparer.Ordinal).Take(MaxListed).ToList();
        return new VerifyReport(users.Count, expected.Ideas.Count, expected.Ties!.Count, windows, windowedSkipped, differences.Count, listed, updates.Count,
            people.Count, suggested.Count);
    }

    private async Task CheckUserAsync(UserAnswer user, bool windows, DateTimeOffset now, CancellationToken cancel)
    {
        for (var w = windows ? 0 : Windows.All; w < Windows.Names.Length; w++)
        {
            if (w != Windows.All && Windows.IsIn(user.NearEdge, w))
            {
                Interlocked.Increment(ref windowedSkipped);
                continue;
            }
            var window = Windows.Names[w];
            var subject = $"user {user.UserId} window {window}";
            using var read = await GetAsync($"v1/users/{Uri.EscapeDataString(user.UserId)}?window={window}", subject, cancel);
            if (read is null || (w != Windows.All && !WithinMargin(now)))
            {
                continue;
            }
            var root = read.RootElement;
            Same(subject, "tier", Tiers.FromLetter(user.Tiers[w]), root.GetProperty("tier").GetString());
            if (w == Windows.All)
            {
                Counts(subject, "totals", user.Totals, root.GetProperty("totals"));
                Same(subject, "following", user.Following, root.GetProperty("following").GetInt32());
            }
        }
    }

    private async Task CheckIdeaAsync(IdeaAnswer idea, bool windows, DateTimeOffset now, CancellationToken cancel)
    {
        for (var w = windows ? 0 : Windows.All; w < Windows.Names.Length; w++)
        {
            if (w != Windows.All && Windows.IsIn(idea.NearEdge, w))
            {
                Interlocked.Increment(ref windowedSkipped);
                continue;
            }
            var window = Windows.Names[w];
            using var read = await GetAsync($"v1/ideas/{Uri.EscapeDataString(idea.IdeaId)}?window={window}", $"idea {idea.IdeaId}", cancel);
            if (read is null || (w != Windows.All && !WithinMargin(now)))
            {
                continue;
            }
            var root = read.RootElement;
            CheckReach($"idea {idea.IdeaId} window {window}", idea.Reach![w], idea.OwnerId is not null, root.GetProperty("reach"));
            if (w != Windows.All)
            {
                continue;
            }
            var subject = $"idea {idea.IdeaId}";
            Same(subject, "ownerId", idea.OwnerId, root.GetProperty("ownerId").GetString());
            Same(subject, "threads", idea.Threads, root.GetProperty("threads").GetInt32());
            Same(subject, "followers", idea.Followers, root.GetProperty("followers").GetInt32());
            Counts(subject, "counts", idea.Counts, root.GetProperty("counts"));
            var participants = root.GetProperty("participants");
            string[] levels = ["creators", "editors", "audience"];
            for (var i = 0; i < levels.Length; i++)
            {
                Same(subject, "participants." + levels[i], idea.Participants[i], participants.GetProperty(levels[i]).GetInt32());
            }
        }
    }

    /// <summary>Every page of the user's updates, compared item by item in order.</summary>
    private async Task CheckUpdatesAsync(UpdatesAnswer expected, CancellationToken cancel)
    {
        var subject = $"updates of {expected.UserId}";
        var served = new List<JsonElement>();
        string? cursor = null;
        do
        {
            using var page = await GetAsync($"v1/users/{Uri.EscapeDataString(expected.UserId)}/updates?limit=1000" +
                (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"), subject, cancel);
            if (page is null)
            {
                return;
            }
            served.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(item => item.Clone()));
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Same(subject, "items", expected.Items.Count, served.Count);
        foreach (var (item, actual) in expected.Items.Zip(served))
        {
            var at = $"{subject} idea {item.IdeaId}";
            Same(at, "ideaId", item.IdeaId, actual.GetProperty("ideaId").GetString());
            Same(at, "lastActivityAt", item.LastActivityTicks, actual.GetProperty("lastActivityAt").GetDateTimeOffset().UtcTicks);
            Same(at, "lastSeenAt", item.LastSeenTicks, actual.GetProperty("lastSeenAt").GetDateTimeOffset().UtcTicks);
            Counts(at, "counts", item.Counts, actual.GetProperty("counts"));
        }
    }

    /// <summary>Whether the service's clock is still within the margin; if not, the windowed read just made is not compared.</summary>
    private bool WithinMargin(DateTimeOffset now)
    {
        if (serviceClock.GetUtcNow() - now <= Windows.EdgeMargin)
        {
            return true;
        }
        Interlocked.Increment(ref windowedSkipped);
        return false;
    }

    /// <summary>The answer as JSON, or null after recording why there is none (404, an error, no answer).</summary>
    private async Task<JsonDocument?> GetAsync(string path, string subject, CancellationToken cancel)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await client.GetAsync(path, cancel);
                if (response.IsSuccessStatusCode)
                {
                    return JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancel));
                }
                if ((int)response.StatusCode < 500 || attempt == MaxAttempts)
                {
                    differences.Add($"{subject}: HTTP {(int)response.StatusCode}{(response.StatusCode == HttpStatusCode.NotFound ? " (not found)" : "")}");
                    return null;
                }
            }
            catch (HttpRequestException e)
            {
                if (attempt == MaxAttempts)
                {
                    differences.Add($"{subject}: no answer ({e.Message})");
                    return null;
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancel);
        }
    }

    private void Counts(string subject, string field, long[] expected, JsonElement actual)
    {
        for (var t = 0; t < EventTypes.Count; t++)
        {
            Same(subject, $"{field}.{EventTypes.Names[t]}", expected[t], actual.GetProperty(EventTypes.Names[t]).GetInt64());
        }
    }

    /// <summary>Numbers computed as ratios; both sides divide the same integers, so only rounding could tell them apart.</summary>
    private void Near(string subject, string field, double? expected, double? actual)
    {
        if (expected.HasValue != actual.HasValue || (expected is { } e && actual is { } a && Math.Abs(e - a) > 1e-9))
        {
            differences.Add($"{subject}: {field} expected {Show(expected)}, got {Show(actual)}");
        }
    }

    private static string Show(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "null";

    private static double? NumberOrNull(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetDouble();

    private void Same<T>(string subject, string field, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            differences.Add($"{subject}: {field} expected {expected?.ToString() ?? "null"}, got {actual?.ToString() ?? "null"}");
        }
    }

    private static List<UserAnswer> Sample(IReadOnlyList<UserAnswer> users, int count)
    {
        if (count >= users.Count)
        {
            return [.. users];
        }
        var step = (double)users.Count / count;
        return Enumerable.Range(0, count).Select(i => users[(int)(i * step)]).ToList();
    }
}
