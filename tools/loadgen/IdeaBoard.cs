using System.Globalization;

namespace Collaboration.LoadGen;

/// <summary>
/// The ideas and threads of the generated company, in creation order. Each idea has an owner (a creator), a day it
/// is created on and a Zipf-like popularity; idea 0 is the most popular one. Interactions only pick ideas created
/// so far, and threads become visible the day after they are created.
/// </summary>
public sealed class IdeaBoard
{
    /// <summary>Ideas after the first that are "very popular" too (they follow it in popularity and age).</summary>
    private const int RunnersUp = 4;
    private const double PopularityExponent = 0.9;
    private const double TagExponent = 1.1;

    private readonly Employee[] employees;
    private readonly WeightedPicker everywhere = new();
    private readonly WeightedPicker[] byCountry;
    private readonly List<int>[] countryIdeas;
    private readonly int[] countryVisible;
    private readonly List<int>[] threadsOfIdea;
    private readonly int[] visibleThreads;
    private readonly List<int> threadIdea = [];
    private readonly List<int> pendingThreads = [];
    private int visible;

    private IdeaBoard(Employee[] employees, (int Owner, int Day, double Weight)[] ideas, Random random)
    {
        this.employees = employees;
        Owners = ideas.Select(i => i.Owner).ToArray();
        Days = ideas.Select(i => i.Day).ToArray();
        Titles = ideas.Select(_ => Title(random)).ToArray();
        // Tags as companies use them: a few common ones on most ideas, a long tail (Zipf over Catalog.Tags' order).
        var tags = WeightedPicker.Zipf(Catalog.Tags.Length, TagExponent);
        Tags = ideas.Select(_ => Enumerable.Range(0, random.Next(1, 4)).Select(_ => Catalog.Tags[tags.Pick(random)]).Distinct().ToArray()).ToArray();
        byCountry = Catalog.Countries.Select(_ => new WeightedPicker()).ToArray();
        countryIdeas = Catalog.Countries.Select(_ => new List<int>()).ToArray();
        countryVisible = new int[Catalog.Countries.Length];
        threadsOfIdea = ideas.Select(_ => new List<int>()).ToArray();
        visibleThreads = new int[ideas.Length];
        IdeaIds = new string[ideas.Length];
        var digits = Math.Max(5, ideas.Length.ToString(CultureInfo.InvariantCulture).Length);
        for (var i = 0; i < ideas.Length; i++)
        {
            IdeaIds[i] = "i-" + (i + 1).ToString(new string('0', digits), CultureInfo.InvariantCulture);
            everywhere.Add(ideas[i].Weight);
            var country = employees[ideas[i].Owner].Country;
            byCountry[country].Add(ideas[i].Weight);
            countryIdeas[country].Add(i);
        }
    }

    public int[] Owners { get; }
    public int[] Days { get; }
    public string[] IdeaIds { get; }
    public string[] Titles { get; }
    public string[][] Tags { get; }
    public int ThreadCount => threadIdea.Count;

    /// <summary>Plans <paramref name="count"/> ideas: every creator owns one if there are enough, a few own many.</summary>
    public static IdeaBoard Plan(Employee[] employees, int count, int days, Random random)
    {
        var creators = Enumerable.Range(0, employees.Length).Where(i => employees[i].Role == Role.Creator).ToArray();
        random.Shuffle(creators);
        var prolific = WeightedPicker.Zipf(creators.Length, 1.0);
        var ranks = Enumerable.Range(RunnersUp + 2, Math.Max(0, count - RunnersUp - 1)).ToArray();
        random.Shuffle(ranks);

        var ideas = new (int Owner, int Day, double Weight)[count];
        for (var i = 0; i < count; i++)
        {
            var owner = i < creators.Length ? creators[i] : creators[prolific.Pick(random)];
            // The most popular ideas are old, so their followers have had time to come.
            var day = i == 0 ? 0 : i <= RunnersUp ? random.Next(Math.Max(1, days / 10)) : random.Next(days);
            var rank = i <= RunnersUp ? i + 1 : ranks[i - RunnersUp - 1];
            ideas[i] = (owner, day, WeightedPicker.ZipfWeight(rank, PopularityExponent));
        }
        // Creation order; a stable sort keeps idea 0 first on day 0.
        var ordered = ideas.Select((idea, index) => (idea, index)).OrderBy(x => x.idea.Day).ThenBy(x => x.index).Select(x => x.idea).ToArray();
        return new IdeaBoard(employees, ordered, random);
    }

    public string ThreadId(int thread) => "t-" + (thread + 1).ToString("000000", CultureInfo.InvariantCulture);

    public int IdeaOfThread(int thread) => threadIdea[thread];

    /// <summary>Makes the ideas created up to <paramref name="day"/> pickable.</summary>
    public void BeginDay(int day)
    {
        while (visible < Days.Length && Days[visible] <= day)
        {
            countryVisible[employees[Owners[visible]].Country]++;
            visible++;
        }
    }

    /// <summary>Threads created today become pickable tomorrow.</summary>
    public void EndDay()
    {
        foreach (var thread in pendingThreads)
        {
            visibleThreads[threadIdea[thread]]++;
        }
        pendingThreads.Clear();
    }

    public int AddThread(int idea)
    {
        threadIdea.Add(idea);
        threadsOfIdea[idea].Add(threadIdea.Count - 1);
        pendingThreads.Add(threadIdea.Count - 1);
        return threadIdea.Count - 1;
    }

    /// <summary>One of the idea's visible threads, or -1 when it has none.</summary>
    public int PickThread(int idea, Random random) =>
        visibleThreads[idea] == 0 ? -1 : threadsOfIdea[idea][random.Next(visibleThreads[idea])];

    /// <summary>
    /// An idea for <paramref name="user"/> to act on. A cross interaction goes to an idea whose owner is in another
    /// country and function; the others stay in the user's country when it has ideas. Returns -1 when only idea 0
    /// is left and <paramref name="skipTop"/> excludes it.
    /// </summary>
    public int Pick(Employee user, bool cross, bool skipTop, Random random)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var idea = cross || countryVisible[user.Country] == 0
                ? everywhere.Pick(random, visible)
                : countryIdeas[user.Country][byCountry[user.Country].Pick(random, countryVisible[user.Country])];
            var owner = employees[Owners[idea]];
            if ((skipTop && idea == 0) || (cross && (owner.Country == user.Country || owner.Function == user.Function)))
            {
                continue;
            }
            return idea;
        }
        return skipTop ? (visible > 1 ? random.Next(1, visible) : -1) : everywhere.Pick(random, visible);
    }

    private static string Title(Random random) =>
        $"{Catalog.TitleVerbs[random.Next(Catalog.TitleVerbs.Length)]} {Catalog.TitleSubjects[random.Next(Catalog.TitleSubjects.Length)]} {Catalog.TitleTargets[random.Next(Catalog.TitleTargets.Length)]}";
}
