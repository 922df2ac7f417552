using Collaboration.Analytics;
using Collaboration.Events;
using Collaboration.Reads;
using Collaboration.Users;

namespace Collaboration.Tests.Analytics;

/// <summary>
/// The counters of <see cref="AnalyticsModel"/> against a brute-force reading of the same events, on random histories
/// that arrive out of order, move users between groups and change idea owners, at window ends chosen on and next to
/// every boundary.
/// </summary>
public class AnalyticsModelTests
{
    internal static readonly ReadWindow[] Windows = [ReadWindow.Days7, ReadWindow.Days28, ReadWindow.Days90, ReadWindow.All];
    internal static readonly DateTimeOffset Start = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <param name="spanDays">The days the event times are spread over: a few days put many events in each day, whose
    /// middle instants the model drops (<see cref="Coverage.InsertKeepingDayEnds"/>).</param>
    [Theory]
    [InlineData(1, 200)]
    [InlineData(2, 200)]
    [InlineData(3, 200)]
    [InlineData(4, 200)]
    [InlineData(5, 200)]
    [InlineData(6, 12)]
    [InlineData(7, 3)]
    public void Counters_match_a_brute_force_reading_of_the_events(int seed, int spanDays)
    {
        var random = new Random(seed);
        var history = RandomHistory(random, events: 600, [.. Enumerable.Range(0, 80).Select(_ => Start.AddMinutes(random.Next(0, spanDays * 24 * 60)))]);
        var model = new AnalyticsModel();
        var reference = new Reference();
        var instants = history.Select(h => h.Event).OfType<Interaction>().Select(i => i.OccurredAt).ToList();
        foreach (var (index, (userId, streamEvent)) in history.Index())
        {
            model.Apply(userId, streamEvent);
            reference.Apply(userId, streamEvent);
            if (index % 50 == 49)
            {
                // Reads between changes: later events must still move what an earlier read has settled.
                var end = DailyEnd(random, instants);
                Assert.Equal(reference.Daily(30, end), model.Daily(30, end));
            }
        }

        for (var q = 0; q < 60; q++)
        {
            var window = Windows[random.Next(Windows.Length)];
            var end = QueryEnd(random, instants, window);
            var dimension = (Dimension)random.Next(Dimensions.Count);

            AssertWindowedAnswers(model, reference, random, window, end, dimension);

            var days = random.Next(1, 40);
            var dailyEnd = DailyEnd(random, instants);
            Assert.Equal(reference.Daily(days, dailyEnd), model.Daily(days, dailyEnd));
        }
        var lastDay = instants.Max();
        Assert.Equal(reference.Daily(200, lastDay), model.Daily(200, lastDay));
    }

    /// <summary>Every windowed answer of <paramref name="model"/> at one end against the reference's reading.</summary>
    internal static void AssertWindowedAnswers(AnalyticsModel model, Reference reference, Random random, ReadWindow window, DateTimeOffset end, Dimension dimension)
    {
        var participation = model.Participation(window, end, dimension);
        Assert.Equal(reference.Tiers(window, end, _ => "all").Single().Value, participation.Total);
        Assert.Equal(reference.Tiers(window, end, u => reference.Group(u, dimension)),
            participation.Groups!.ToDictionary(g => g.Key, g => g.Counts));

        var ties = model.Ties(window, end, dimension);
        var expected = reference.Ties(window, end, dimension);
        Assert.Equal(expected.Ties, ties.Ties);
        Assert.Equal(expected.Groups, ties.Groups.Where(g => g.External + g.Internal > 0).ToDictionary(g => g.Key, g => (g.External, g.Internal)));
        Assert.Equal((expected.BreadthSum, expected.TiedUsers), (ties.BreadthSum, ties.TiedUsers));

        // A floor of 1 shows every group with users, so the cells are the reference's pairs and zeros.
        var matrix = model.TieMatrix(window, end, dimension, privacyFloor: 1);
        Assert.Equal(expected.Ties, matrix.Ties);
        Assert.Equal(matrix.Groups.Count * matrix.Groups.Count, matrix.Cells.Count);
        Assert.Equal(reference.TieMatrix(window, end, dimension), matrix.Cells.Where(c => c.Ties > 0).ToDictionary(c => (c.From, c.To), c => c.Ties));

        if (window.Length is not null)
        {
            Assert.Equal(reference.Funnel(window, end), model.Funnel(window, end));
        }
        foreach (var user in reference.Users.Take(5))
        {
            Assert.Equal(reference.Breadth(user, window, end), model.Breadth(user, window, end));
        }
        foreach (var idea in reference.Ideas)
        {
            Assert.Equal(reference.Reach(idea, window, end), model.Reach(idea, window, end));
            var contributors = model.IdeaContributors(idea, window, end, dimension, privacyFloor: 1)!;
            Assert.Equal(reference.ContributorsByGroup(idea, window, end, dimension), contributors.Groups.ToDictionary(g => g.Key, g => g.Contributors));
            Assert.Equal(contributors.Groups.Sum(g => g.Contributors), contributors.Contributors);
        }
        Assert.Null(model.IdeaContributors("no-such-idea", window, end, dimension, privacyFloor: 1));
        var ranking = (IdeaRanking)random.Next(3);
        var limit = random.Next(1, 5);
        Assert.Equal(reference.Top(window, end, ranking, limit), model.TopIdeas(window, end, ranking, limit));
    }

    /// <summary>Ends on, just before and just after the window boundaries of real event times, plus random ones.</summary>
    internal static DateTimeOffset QueryEnd(Random random, List<DateTimeOffset> instants, ReadWindow window)
    {
        var at = instants[random.Next(instants.Count)];
        var length = window.Length ?? TimeSpan.Zero;
        return random.Next(6) switch
        {
            0 => at,
            1 => at.AddTicks(-1),
            2 => at + length,
            3 => at + length - TimeSpan.FromTicks(1),
            4 => at + 2 * length,
            _ => Start.AddMinutes(random.Next(0, 200 * 24 * 60)),
        };
    }

    /// <summary>Ends on and just before event instants, on the first and last tick of their day, plus random ones.</summary>
    internal static DateTimeOffset DailyEnd(Random random, List<DateTimeOffset> instants)
    {
        var at = instants[random.Next(instants.Count)];
        var dayStart = new DateTimeOffset(at.UtcDateTime.Date, TimeSpan.Zero);
        return random.Next(5) switch
        {
            0 => at,
            1 => at.AddTicks(-1),
            2 => dayStart,
            3 => dayStart.AddDays(1).AddTicks(-1),
            _ => Start.AddMinutes(random.Next(0, 200 * 24 * 60)),
        };
    }

    internal static List<(string UserId, IStreamEvent Event)> RandomHistory(Random random, int events) =>
        RandomHistory(random, events, [.. Enumerable.Range(0, 80).Select(_ => Start.AddMinutes(random.Next(0, 200 * 24 * 60)))]);

    /// <param name="instants">The times events may have; shared instants make ties between events and boundaries likely.</param>
    internal static List<(string UserId, IStreamEvent Event)> RandomHistory(Random random, int events, DateTimeOffset[] instants)
    {
        string[] countries = ["FI", "IN", "DE", "US"];
        string[] departments = ["R&D", "Sales", "HR"];
        var history = new List<(string, IStreamEvent)>();
        for (var i = 0; i < events; i++)
        {
            var user = $"u{random.Next(24)}";
            if (random.Next(8) == 0)
            {
                var profile = new UserProfile(null, random.Next(5) == 0 ? null : countries[random.Next(countries.Length)], null,
                    random.Next(4) == 0 ? null : departments[random.Next(departments.Length)], null, Suggestions: random.Next(4) != 0);
                history.Add((user, new ProfileUpdated($"p{i}", profile, Start)));
                continue;
            }
            var type = (InteractionType)random.Next(InteractionTypes.Count);
            var idea = $"i{random.Next(6)}";
            string? thread = random.Next(3) == 0 ? $"{idea}-t{random.Next(2)}" : null;
            var at = instants[random.Next(instants.Length)];
            string[]? tags = type == InteractionType.Create && thread is null ? [$"tag{random.Next(3)}", $"Tag{random.Next(3)}"] : null;
            history.Add((user, new Interaction($"e{i}", type, user, idea, thread, at, Tags: tags)));
        }
        return history;
    }

    /// <summary>The definitions, read straight off the event list.</summary>
    internal sealed class Reference
    {
        private readonly List<Interaction> interactions = [];
        private readonly Dictionary<string, UserProfile?> profiles = [];

        public IEnumerable<string> Users => profiles.Keys.Order(StringComparer.Ordinal);

        public IEnumerable<string> Ideas => interactions.Select(i => i.IdeaId).Distinct();

        public void Apply(string userId, IStreamEvent streamEvent)
        {
            profiles.TryAdd(userId, null);
            if (streamEvent is ProfileUpdated updated)
            {
                profiles[userId] = updated.Profile;
            }
            else
            {
                interactions.Add((Interaction)streamEvent);
            }
        }

        public string Group(string user, Dimension dimension)
        {
            var profile = profiles[user];
            var value = dimension switch
            {
                Dimension.Country => profile?.Country,
                Dimension.Site => profile?.Site,
                Dimension.Department => profile?.Department,
                _ => profile?.Function,
            };
            return value ?? Dimensions.Unknown;
        }

        // Views count by whole UTC days: the window's last day (the end's) whole and the days before it, as many as it is long.
        private static bool OnWindowDays(DateTimeOffset at, ReadWindow window, DateTimeOffset end)
        {
            var day = DateOnly.FromDateTime(at.UtcDateTime);
            var last = DateOnly.FromDateTime(end.UtcDateTime);
            return day <= last && (window.Length is not { } length || day > last.AddDays(-(int)length.TotalDays));
        }

        private static bool Within(DateTimeOffset at, ReadWindow window, DateTimeOffset end) =>
            at <= end && (window.Length is not { } length || at > end - length);

        public int Tier(string user, ReadWindow window, DateTimeOffset end) => interactions
            .Where(i => i.UserId == user && Within(i.OccurredAt, window, end))
            .Select(i => (int)i.Type.Level()).DefaultIfEmpty(0).Max();

        public Dictionary<string, TierCounts> Tiers(ReadWindow window, DateTimeOffset end, Func<string, string> groupOf) =>
            Users.GroupBy(groupOf).ToDictionary(g => g.Key, g =>
            {
                var tiers = g.Select(u => Tier(u, window, end)).ToList();
                return new TierCounts(tiers.Count, tiers.Count(t => t == 3), tiers.Count(t => t == 2), tiers.Count(t => t == 1));
            });

        private string? Owner(string idea) => interactions
            .Where(i => i.IdeaId == idea && i.Type == InteractionType.Create && i.ThreadId is null)
            .OrderBy(i => i.OccurredAt).ThenBy(i => i.EventId, StringComparer.Ordinal).FirstOrDefault()?.UserId;

        private static bool IsContribution(Interaction i) =>
            i.Type is InteractionType.Comment or InteractionType.Like or InteractionType.Edit or InteractionType.Share ||
            (i.Type == InteractionType.Create && i.ThreadId is not null);

        private HashSet<(string User, string Owner)> TiePairs(ReadWindow window, DateTimeOffset end) =>
            [.. interactions.Where(i => IsContribution(i) && Within(i.OccurredAt, window, end))
                .Select(i => (i.UserId, Owner: Owner(i.IdeaId)))
                .Where(p => p.Owner is not null && p.Owner != p.UserId)
                .Select(p => (p.UserId, p.Owner!))];

        public (long Ties, Dictionary<string, (long, long)> Groups, long BreadthSum, long TiedUsers) Ties(
            ReadWindow window, DateTimeOffset end, Dimension dimension)
        {
            var pairs = TiePairs(window, end);
            var groups = pairs.GroupBy(p => Group(p.User, dimension)).ToDictionary(g => g.Key, g => (
                (long)g.Count(p => Group(p.Owner, dimension) != g.Key), (long)g.Count(p => Group(p.Owner, dimension) == g.Key)));
            var tied = pairs.Select(p => p.User).Distinct().ToList();
            return (pairs.Count, groups, tied.Sum(u => (long)Breadth(u, window, end, pairs)[(int)dimension]), tied.Count);
        }

        /// <summary>The ties by the contributor's group and the owner's, only pairs of groups with some.</summary>
        public Dictionary<(string From, string To), long> TieMatrix(ReadWindow window, DateTimeOffset end, Dimension dimension) =>
            TiePairs(window, end).GroupBy(p => (Group(p.User, dimension), Group(p.Owner, dimension))).ToDictionary(g => g.Key, g => (long)g.Count());

        public int[]? Breadth(string user, ReadWindow window, DateTimeOffset end) =>
            profiles.ContainsKey(user) ? Breadth(user, window, end, TiePairs(window, end)) : null;

        private int[] Breadth(string user, ReadWindow window, DateTimeOffset end, HashSet<(string User, string Owner)> pairs) =>
            [.. Enumerable.Range(0, Dimensions.Count).Select(d => pairs.Where(p => p.User == user)
                .Select(p => Group(p.Owner, (Dimension)d)).Where(g => g != Group(user, (Dimension)d)).Distinct().Count())];

        public long[][] Funnel(ReadWindow window, DateTimeOffset end)
        {
            var moves = Enumerable.Range(0, 4).Select(_ => new long[4]).ToArray();
            foreach (var user in Users)
            {
                moves[Tier(user, window, end - window.Length!.Value)][Tier(user, window, end)]++;
            }
            return moves;
        }

        /// <summary>The idea's contributors other than its owner in the window by their group; null for an idea no event names.</summary>
        public Dictionary<string, long>? ContributorsByGroup(string idea, ReadWindow window, DateTimeOffset end, Dimension dimension)
        {
            if (!interactions.Any(i => i.IdeaId == idea))
            {
                return null;
            }
            var owner = Owner(idea);
            return interactions.Where(i => i.IdeaId == idea && IsContribution(i) && Within(i.OccurredAt, window, end) && i.UserId != owner)
                .Select(i => i.UserId).Distinct().GroupBy(u => Group(u, dimension)).ToDictionary(g => g.Key, g => (long)g.Count());
        }

        public IdeaReach? Reach(string idea, ReadWindow window, DateTimeOffset end)
        {
            var owner = Owner(idea);
            var contributors = interactions.Where(i => i.IdeaId == idea && IsContribution(i) && Within(i.OccurredAt, window, end) && i.UserId != owner)
                .Select(i => i.UserId).Distinct().ToList();
            double? share = contributors.Count > 0 && owner is not null
                ? (double)contributors.Count(u => Group(u, Dimension.Country) != Group(owner, Dimension.Country)) / contributors.Count
                : null;
            return new IdeaReach(contributors.Count,
                contributors.Select(u => Group(u, Dimension.Country)).Distinct().Count(),
                contributors.Select(u => Group(u, Dimension.Department)).Distinct().Count(),
                contributors.Select(u => Group(u, Dimension.Function)).Distinct().Count(), share);
        }

        public RankedIdea[] Top(ReadWindow window, DateTimeOffset end, IdeaRanking ranking, int limit)
        {
            var all = Ideas.Select(idea => new RankedIdea(idea, Owner(idea),
                interactions.FirstOrDefault(i => i.IdeaId == idea && i.Type == InteractionType.Create && i.ThreadId is null && i.UserId == Owner(idea))?.Title,
                interactions.Count(i => i.IdeaId == idea && i.Type == InteractionType.View && OnWindowDays(i.OccurredAt, window, end)),
                Reach(idea, window, end)!));
            var ordered = ranking switch
            {
                IdeaRanking.Views => all.OrderByDescending(r => r.Views),
                IdeaRanking.Contributors => all.OrderByDescending(r => r.Reach.Contributors),
                _ => all.OrderByDescending(r => r.Reach.Countries).ThenByDescending(r => r.Reach.Contributors),
            };
            return [.. ordered.ThenBy(r => r.IdeaId, StringComparer.Ordinal).Take(limit)];
        }

        public DayTierCounts[] Daily(int days, DateTimeOffset end)
        {
            var last = DateOnly.FromDateTime(end.UtcDateTime);
            return [.. Enumerable.Range(0, days).Select(i =>
            {
                var day = last.AddDays(i - days + 1);
                // Earlier days end before `end` anyway; the last one stops at it.
                var tiers = interactions.Where(e => DateOnly.FromDateTime(e.OccurredAt.UtcDateTime) == day && e.OccurredAt <= end)
                    .GroupBy(e => e.UserId).Select(g => g.Max(e => (int)e.Type.Level())).ToList();
                return new DayTierCounts(day, tiers.Count(t => t == 3), tiers.Count(t => t == 2), tiers.Count(t => t == 1));
            })];
        }
    }
}
