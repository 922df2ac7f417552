namespace Collaboration.LoadGen;

/// <summary>
/// Plays the company's days one after another and hands each day's events, in time order, to a sink. Only one day
/// is held in memory. Every employee acts at their role's level at least once (on an "anchor" day), so the all-time
/// tiers follow the mix; on top of that each acts on random days at a rate set by role, a per-person activity
/// (heavy-tailed: a few people do most of the work) and quieter weekends.
/// </summary>
public sealed class EventGenerator
{
    public const long DayMs = 86_400_000;

    private static readonly double[] DailyRate = [0.09, 0.35, 0.8];
    private const double WeekendFactor = 0.3;
    private const double ThreadShare = 0.5;

    /// <summary>What each role does on a regular day, by weight.</summary>
    private static readonly (EventType Type, double Weight)[][] Actions =
    [
        [(EventType.View, 82), (EventType.Follow, 14), (EventType.Unfollow, 4)],
        [(EventType.Comment, 22), (EventType.Like, 20), (EventType.Edit, 5), (EventType.Share, 5), (EventType.View, 38), (EventType.Follow, 8), (EventType.Unfollow, 2)],
        [(EventType.Create, 12), (EventType.Comment, 20), (EventType.Like, 15), (EventType.Edit, 8), (EventType.Share, 5), (EventType.View, 30), (EventType.Follow, 8), (EventType.Unfollow, 2)],
    ];

    private static readonly (EventType Type, double Weight)[] EditorAnchors =
        [(EventType.Comment, 40), (EventType.Like, 40), (EventType.Edit, 10), (EventType.Share, 10)];

    private readonly GenerateOptions options;
    private readonly Employee[] employees;
    private readonly IdeaBoard board;
    private readonly Random random;
    private readonly double[] activity;
    private readonly int[] anchorDay;
    private readonly List<PlannedEvent>[] planned;
    private readonly List<int>?[] following;
    private readonly List<PlannedEvent> today = [];

    public EventGenerator(GenerateOptions options, Company company, IdeaBoard board, Random random)
    {
        this.options = options;
        employees = company.Employees;
        this.board = board;
        this.random = random;
        activity = employees.Select(_ => Activity()).ToArray();
        anchorDay = employees.Select(_ => random.Next(options.Days)).ToArray();
        following = new List<int>?[employees.Length];
        planned = Enumerable.Range(0, options.Days).Select(_ => new List<PlannedEvent>()).ToArray();
        PlanIdeaCreates();
        PlanPopularFollows();
    }

    /// <summary>A rough count of the events to come (before duplicates), to size the out-of-order spread.</summary>
    public long Estimate() =>
        (long)(employees.Select((e, i) => DailyRate[(int)e.Role] * activity[i]).Sum() * options.Days * (5 + 2 * WeekendFactor) / 7)
        + employees.Length + planned.Sum(p => (long)p.Count);

    public void Run(Action<PlannedEvent> sink)
    {
        for (var day = 0; day < options.Days; day++)
        {
            board.BeginDay(day);
            today.Clear();
            today.AddRange(planned[day]);
            planned[day] = [];
            var weekday = options.Now.AddDays(day - options.Days).DayOfWeek;
            var weekFactor = weekday is DayOfWeek.Saturday or DayOfWeek.Sunday ? WeekendFactor : 1.0;
            for (var user = 0; user < employees.Length; user++)
            {
                if (anchorDay[user] == day)
                {
                    Anchor(user, day);
                }
                var count = Poisson(DailyRate[(int)employees[user].Role] * activity[user] * weekFactor);
                for (var n = 0; n < count; n++)
                {
                    Regular(user, day);
                }
            }
            board.EndDay();
            // Times are unique enough; the index breaks the rare tie so the order is the same on every run.
            var ordered = today.Select((e, i) => (e, i)).OrderBy(x => x.e.Millisecond).ThenBy(x => x.i);
            foreach (var (e, _) in ordered)
            {
                sink(e);
            }
        }
    }

    private void PlanIdeaCreates()
    {
        for (var idea = 0; idea < board.Owners.Length; idea++)
        {
            // The most popular idea is created in the first hour, before anyone follows it.
            var within = idea == 0 ? 1 + random.NextInt64(3_600_000) : 1 + random.NextInt64(DayMs);
            Plan(new PlannedEvent(board.Days[idea] * DayMs + within, EventType.Create, board.Owners[idea], idea));
            // An idea's owner acts at creator level on its creation day; no separate anchor is needed.
            anchorDay[board.Owners[idea]] = -1;
        }
    }

    /// <summary>
    /// Idea 0 gets exactly <see cref="GenerateOptions.PopularFollowers"/> followers: its owner (by the create) and
    /// that many others minus one, each following once. A few more people follow and later unfollow it, so the
    /// count only comes out right when "latest wins" is honoured. Regular follows leave idea 0 alone.
    /// </summary>
    private void PlanPopularFollows()
    {
        var owner = board.Owners[0];
        var created = planned[0].First(e => e.Idea == 0 && e.Type == EventType.Create).Millisecond;
        var end = options.Days * DayMs;
        var others = Enumerable.Range(0, employees.Length).Where(u => u != owner).ToArray();
        var followers = options.PopularFollowers - 1;
        var churners = Math.Min(others.Length - followers, options.PopularFollowers / 50);
        // A partial Fisher-Yates shuffle picks distinct people without shuffling everyone.
        for (var i = 0; i < followers + churners; i++)
        {
            var j = i + random.Next(others.Length - i);
            (others[i], others[j]) = (others[j], others[i]);
        }
        for (var i = 0; i < followers + churners; i++)
        {
            var follow = created + 1 + random.NextInt64(end - created - 1);
            Plan(new PlannedEvent(follow, EventType.Follow, others[i], 0));
            if (i >= followers)
            {
                Plan(new PlannedEvent(follow + 1 + random.NextInt64(end - follow), EventType.Unfollow, others[i], 0));
            }
        }
    }

    private void Plan(PlannedEvent e) => planned[(e.Millisecond - 1) / DayMs].Add(e);

    /// <summary>The one action that puts an employee at their role's level.</summary>
    private void Anchor(int user, int day)
    {
        var type = employees[user].Role switch
        {
            Role.Creator => EventType.Create,
            Role.Editor => Weighted(EditorAnchors),
            _ => random.NextDouble() < 0.8 ? EventType.View : EventType.Follow,
        };
        Act(user, day, type);
    }

    private void Regular(int user, int day) => Act(user, day, Weighted(Actions[(int)employees[user].Role]));

    private void Act(int user, int day, EventType type)
    {
        var at = day * DayMs + 1 + random.NextInt64(DayMs);
        var employee = employees[user];
        var cross = random.NextDouble() < options.CrossShare;
        switch (type)
        {
            case EventType.Create:
                var home = board.Pick(employee, cross, skipTop: false, random);
                today.Add(new PlannedEvent(at, type, user, home, board.AddThread(home)));
                return;
            case EventType.Follow:
                var idea = board.Pick(employee, cross, skipTop: true, random);
                if (idea >= 0)
                {
                    var list = following[user] ??= [];
                    if (!list.Contains(idea))
                    {
                        list.Add(idea);
                    }
                    today.Add(new PlannedEvent(at, type, user, idea));
                    return;
                }
                break;
            case EventType.Unfollow:
                if (following[user] is { Count: > 0 } followed)
                {
                    var index = random.Next(followed.Count);
                    today.Add(new PlannedEvent(at, type, user, followed[index]));
                    followed.RemoveAt(index);
                    return;
                }
                break;
        }
        // Everything else, and a follow or unfollow with nothing to act on, is an action on an idea or its thread.
        var target = board.Pick(employee, cross, skipTop: false, random);
        var thread = random.NextDouble() < ThreadShare ? board.PickThread(target, random) : -1;
        today.Add(new PlannedEvent(at, type is EventType.Follow or EventType.Unfollow ? EventType.View : type, user, target, thread));
    }

    private EventType Weighted((EventType Type, double Weight)[] choices)
    {
        var target = random.NextDouble() * choices.Sum(c => c.Weight);
        foreach (var (type, weight) in choices)
        {
            target -= weight;
            if (target < 0)
            {
                return type;
            }
        }
        return choices[^1].Type;
    }

    /// <summary>Log-normal with mean 1: most people are a little below average, a few far above.</summary>
    private double Activity()
    {
        const double sigma = 1.0;
        var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Math.Exp(sigma * gaussian - sigma * sigma / 2);
    }

    private int Poisson(double mean)
    {
        // Knuth's method is fine for the small daily means used here.
        var limit = Math.Exp(-mean);
        var (count, product) = (0, random.NextDouble());
        while (product > limit)
        {
            count++;
            product *= random.NextDouble();
        }
        return count;
    }
}
