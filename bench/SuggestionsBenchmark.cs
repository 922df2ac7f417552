using System.Diagnostics;
using System.Globalization;
using Collaboration.Analytics;
using Collaboration.Reads;

namespace Collaboration.Bench;

/// <summary>
/// Benchmark 13, weak-tie matchmaking: the generated company posted into the embedded service on its defaults, then
/// <c>GET /v1/ideas/{id}/people</c> (by country and by function in turn) for the busiest ideas and a random sample of the
/// others, and <c>GET /v1/users/{id}/ideas/suggested</c> for the busiest users and a random sample, in rounds. In
/// process, the company folded into a read model, whose tag index (the only structure matchmaking adds) is weighed by
/// building a copy of it between two forced full collections.
/// </summary>
public sealed class SuggestionsBenchmark(Settings settings)
{
    private const int Sample = 200;
    private const int Rounds = 5;

    private long tagPairs;
    private long indexBytes;
    private long modelBytes;
    private (int Seen, int Decided) ledgerPairs;
    private long ledgerBytes;
    private (long Entries, long Days) interestSize;
    private long interestBytes;

    public Series InProcessPeople { get; } = new("ms");

    public Series InProcessIdeas { get; } = new("ms");

    public Series People { get; } = new("ms");

    public Series Ideas { get; } = new("ms");

    /// <summary>The first round: it works out the day's interests and the ideas' reach once.</summary>
    public Series FirstPeople { get; } = new("ms");

    public Series FirstIdeas { get; } = new("ms");

    /// <summary>The reference, read after every suggestion in the same loop: a read-model read that computes next to nothing.</summary>
    public Series Reference { get; } = new("ms");

    private const string ReferencePath = "/v1/stats/participation?window=7d";

    /// <summary>The dashboard's newer reads, for its busiest ideas: the ties matrix (a pass over every tie) and an idea's contributors by group.</summary>
    public Series TieMatrix { get; } = new("ms");

    public Series IdeaContributors { get; } = new("ms");

    public Series InProcessTieMatrix { get; } = new("ms");

    private const int DashboardReads = 60;

    private static readonly Dimension[] MatrixDimensions = [Dimension.Country, Dimension.Function, Dimension.Department];

    public async Task RunAsync()
    {
        var company = CompanyStreams.Load(settings.CompanyDirectory);
        InProcess(company);
        var data = Path.Combine(settings.WorkDirectory, "store-suggestions");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
        await using var service = await Processes.StartApiAsync(data, new Dictionary<string, string>());
        using var client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        await LoadGen.PostAsync(settings.LoadGenAssembly, settings.CompanyDirectory, service.BaseAddress!);

        var random = new Random(13);
        var ideas = Pick(company.Ideas, random);
        var users = Pick(company.Users, random);
        // What the posting left behind is collected first, as a dashboard reading later would find it.
        await service.CollectGarbageAsync();
        for (var round = 0; round <= Rounds; round++)
        {
            for (var i = 0; i < ideas.Count; i++)
            {
                (round == 0 ? FirstPeople : People).Add(await ReadAsync(client, $"/v1/ideas/{ideas[i]}/people?by={(i % 2 == 0 ? "country" : "function")}"));
                await ReferenceAsync(client, round);
            }
            foreach (var user in users)
            {
                (round == 0 ? FirstIdeas : Ideas).Add(await ReadAsync(client, $"/v1/users/{user}/ideas/suggested"));
                await ReferenceAsync(client, round);
            }
        }
        for (var i = 0; i < DashboardReads; i++)
        {
            TieMatrix.Add(await ReadAsync(client, $"/v1/stats/ties/matrix?window=28d&by={MatrixDimensions[i % 3].ToWireName()}", "\"cells\""));
            IdeaContributors.Add(await ReadAsync(client, $"/v1/stats/ideas/{ideas[i % ideas.Count]}/contributors?window=90d", "\"groups\""));
        }
        Console.WriteLine($"suggestions: people p50 {People.Percentile(50):F2} ms, p99 {People.Percentile(99):F2} ms; " +
            $"ideas p50 {Ideas.Percentile(50):F2} ms, p99 {Ideas.Percentile(99):F2} ms");
    }

    /// <summary>The half of the sample with the most events, then a random half of the rest.</summary>
    private static List<string> Pick(IReadOnlyList<StreamSize> streams, Random random)
    {
        var busiest = streams.OrderByDescending(s => s.Events).ThenBy(s => s.Id, StringComparer.Ordinal).Take(Sample / 2).Select(s => s.Id).ToList();
        var rest = streams.Select(s => s.Id).Except(busiest).ToArray();
        return [.. busiest, .. random.GetItems(rest, Math.Min(Sample / 2, rest.Length))];
    }

    /// <summary>The read model folded in process: its matchmaking structures weighed, and the same queries timed without HTTP.</summary>
    private void InProcess(CompanyStreams company)
    {
        // The events are read first and kept to the end, so that the model's weight does not include them.
        var streams = AnalyticsSnapshotBenchmark.UserStreams(settings.CompanyDirectory);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var model = new AnalyticsModel();
        foreach (var (userId, streamEvent) in streams)
        {
            model.Apply(userId, streamEvent);
        }
        var withModel = GC.GetTotalMemory(forceFullCollection: true);
        var copy = model.Tags.Copy();
        indexBytes = GC.GetTotalMemory(forceFullCollection: true) - withModel;
        (modelBytes, tagPairs) = (withModel - before, copy.Pairs);
        var withCopy = GC.GetTotalMemory(forceFullCollection: true);
        var ledger = model.FollowLedger.Copy();
        ledgerBytes = GC.GetTotalMemory(forceFullCollection: true) - withCopy;
        ledgerPairs = ledger.Pairs;
        var withLedger = GC.GetTotalMemory(forceFullCollection: true);
        var interests = model.BuildInterestIndex();
        interestBytes = GC.GetTotalMemory(forceFullCollection: true) - withLedger;
        interestSize = interests.Size;
        GC.KeepAlive(interests);
        GC.KeepAlive(ledger);
        GC.KeepAlive(copy);
        GC.KeepAlive(streams);

        var random = new Random(13);
        var (ideas, users, end) = (Pick(company.Ideas, random), Pick(company.Users, random), DateTimeOffset.UtcNow);
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < ideas.Count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                _ = model.SuggestPeople(ideas[i], i % 2 == 0 ? Dimension.Country : Dimension.Function, 10, end);
                InProcessPeople.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            foreach (var user in users)
            {
                var started = Stopwatch.GetTimestamp();
                _ = model.SuggestIdeas(user, 10, end, new CriticalMass(10, 2));
                InProcessIdeas.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        for (var i = 0; i < DashboardReads; i++)
        {
            var started = Stopwatch.GetTimestamp();
            _ = model.TieMatrix(ReadWindow.Days28, end, MatrixDimensions[i % 3], privacyFloor: 5);
            InProcessTieMatrix.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        Console.WriteLine($"suggestions in process: people p99 {InProcessPeople.Percentile(99):F2} ms, ideas p99 {InProcessIdeas.Percentile(99):F2} ms");
        GC.KeepAlive(model);
    }

    private async Task ReferenceAsync(HttpClient client, int round)
    {
        var elapsed = await ReadAsync(client, ReferencePath, "\"users\"");
        if (round > 0)
        {
            Reference.Add(elapsed);
        }
    }

    /// <summary>One read; its latency in milliseconds.</summary>
    private static async Task<double> ReadAsync(HttpClient client, string path, string expected = "\"items\"")
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return response.IsSuccessStatusCode && body.Contains(expected, StringComparison.Ordinal)
            ? elapsed
            : throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
    }

    public void Report(Report report)
    {
        report.Section("13. Weak-tie matchmaking");
        report.Line($"The company posted into the embedded service on its defaults and a full collection forced; then a first round and {Rounds} more of: " +
            $"`GET /v1/ideas/{{id}}/people` (limit 10, by country and by function in turn) for the {Sample / 2} ideas with the most events and {Sample / 2} " +
            $"others at random, and `GET /v1/users/{{id}}/ideas/suggested` (limit 10) for the {Sample / 2} users with the most events and {Sample / 2} others " +
            "at random, one request at a time. The first round is reported apart: it works out the day's interests and each idea's 90-day reach once. " +
            "In process: the same queries on a model folded in the bench, without HTTP or grains. " +
            $"Then {DashboardReads} reads each of two dashboard answers that the matchmaking data serves too: the ties matrix and an idea's contributors by group.");
        report.Table(["measure", "p50", "p99", "max", "target"],
        [
            ["people for an idea", Ms(People.Percentile(50)), Ms(People.Percentile(99)), Ms(People.Max), "p99 < 20 ms"],
            ["ideas for a user", Ms(Ideas.Percentile(50)), Ms(Ideas.Percentile(99)), Ms(Ideas.Max), "p99 < 20 ms"],
            [$"reference: `{ReferencePath}` after each of them", Ms(Reference.Percentile(50)), Ms(Reference.Percentile(99)), Ms(Reference.Max), ""],
            ["people for an idea, first round", Ms(FirstPeople.Percentile(50)), Ms(FirstPeople.Percentile(99)), Ms(FirstPeople.Max), ""],
            ["ideas for a user, first round", Ms(FirstIdeas.Percentile(50)), Ms(FirstIdeas.Percentile(99)), Ms(FirstIdeas.Max), ""],
            ["people for an idea, in process (the model alone)", Ms(InProcessPeople.Percentile(50)), Ms(InProcessPeople.Percentile(99)), Ms(InProcessPeople.Max), ""],
            ["ideas for a user, in process (the model alone)", Ms(InProcessIdeas.Percentile(50)), Ms(InProcessIdeas.Percentile(99)), Ms(InProcessIdeas.Max), ""],
            ["dashboard: `/v1/stats/ties/matrix?window=28d` (by country, function, department in turn)", Ms(TieMatrix.Percentile(50)), Ms(TieMatrix.Percentile(99)),
                Ms(TieMatrix.Max), ""],
            ["dashboard: the ties matrix in process (the model alone)", Ms(InProcessTieMatrix.Percentile(50)), Ms(InProcessTieMatrix.Percentile(99)),
                Ms(InProcessTieMatrix.Max), ""],
            ["dashboard: `/v1/stats/ideas/{id}/contributors?window=90d` (the sampled ideas)", Ms(IdeaContributors.Percentile(50)),
                Ms(IdeaContributors.Percentile(99)), Ms(IdeaContributors.Max), ""],
        ]);
        report.Line($"Interest index: activity per tag, user and UTC day ({interestSize.Entries:N0} (tag, user) entries, {interestSize.Days:N0} day counts), " +
            $"{interestBytes / 1024.0 / 1024.0:N1} MiB; the ideas by tag, {tagPairs:N0} (tag, idea) pairs, {indexBytes / 1024.0:N0} KiB; each built anew in process " +
            $"between two forced full collections. The whole model holds {modelBytes / 1024.0 / 1024.0:N0} MiB.");
        report.Line($"Follow ledger (for `GET /v1/stats/follows`), weighed the same way: {ledgerPairs.Seen:N0} (user, idea) pairs with a last-seen instant, " +
            $"{ledgerPairs.Decided:N0} of them with a follow decision: {ledgerBytes / 1024.0 / 1024.0:N1} MiB, {ledgerBytes / (double)Math.Max(1, ledgerPairs.Seen):N0} bytes a pair.");
    }

    private static string Ms(double value) => value.ToString("F1", CultureInfo.InvariantCulture) + " ms";
}
