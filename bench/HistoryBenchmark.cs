using System.Globalization;
using System.Text;

namespace Collaboration.Bench;

/// <summary>
/// Benchmark 10, "history does not cost memory": 10,000 users post events dated 200 to 700 days ago (outside every
/// window and the funnel's previous one) into the embedded service on its defaults, a million at a time. The second
/// million repeats the first one's relationships (who did what on which idea) with new events and dates; the third
/// brings new relationships. After each: every user read (their grains active), a dashboard (the model has folded
/// everything), a forced full collection, then the live managed heap and the resident set. Events older than the
/// horizon should cost nothing; a relationship (a user's contribution to an idea, a tie to its owner) costs what
/// all-time answers need of it.
/// </summary>
public sealed class HistoryBenchmark(Settings settings)
{
    private const int Ideas = 2_000;
    private const int BatchSize = 1_000;
    private const double MiB = 1024 * 1024;

    private readonly List<(string Step, long Events, double HeapMiB, double LiveMiB, double ResidentMiB, double PostSeconds)> samples = [];

    public async Task RunAsync()
    {
        var data = Path.Combine(settings.WorkDirectory, "history-data");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
        await using var service = await Processes.StartApiAsync(data, new Dictionary<string, string>());
        using var client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        var now = DateTimeOffset.UtcNow;
        long posted = 0;
        // (relationships, dates): the first million, the same relationships again, then new ones.
        (int Relations, int Dates, string Name)[] steps = [(0, 0, "first million"), (0, 1, "same relationships, new events"), (2, 2, "new relationships")];
        foreach (var (relations, dates, name) in steps)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await Parallel.ForAsync(0, settings.HistoryEvents / BatchSize, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, ct) =>
            {
                var dateRandom = new Random(dates * 100_000 + batch);
                var body = GeneratedEvents.Batch(BatchSize, settings.HistoryUsers, Ideas, new Random(relations * 100_000 + batch),
                    () => now.AddDays(-700).AddSeconds(dateRandom.NextDouble() * 500 * 86_400), $"h{dates}-{batch}");
                using var response = await client.PostAsync("/v1/events/batch", new StringContent(body, Encoding.UTF8, "application/json"), ct);
                response.EnsureSuccessStatusCode();
            });
            var postSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            posted += settings.HistoryEvents;
            await ReadEveryUserAsync(client, settings.HistoryUsers);
            (await client.GetAsync("/v1/stats/participation?window=all")).EnsureSuccessStatusCode();
            await service.CollectGarbageAsync();
            var (heap, live) = await ManagedHeapAsync(client);
            samples.Add((name, posted, heap / MiB, live / MiB, service.ResidentBytes / MiB, postSeconds));
            Console.WriteLine($"history: {name}, {posted:N0} events, live heap {samples[^1].LiveMiB:F1} MiB, heap {samples[^1].HeapMiB:F1} MiB, resident {samples[^1].ResidentMiB:F1} MiB");
        }
    }

    public void Report(Report report)
    {
        report.Section("10. History does not cost memory");
        report.Line($"{settings.HistoryUsers:N0} users and {Ideas:N0} ideas; {settings.HistoryEvents:N0} events per step dated 200-700 days ago, uniformly at random (90% views, 9% " +
            "comments, likes and shares, 1% creates), posted in batches of 1,000 by 4 clients to the embedded service on its defaults " +
            "(read model horizon 211 days). After each step: every user read once (their grains active), one dashboard read (the model " +
            "has folded everything), a forced full collection, then the live managed heap (the runtime's gauges on /metrics: heap size less fragmentation) and the resident set.");
        report.Table(["step", "events posted", "live managed heap (MiB)", "heap with fragmentation (MiB)", "resident (MiB)", "posting took (s)"],
            samples.Select(s => new[] { s.Step, s.Events.ToString("N0", CultureInfo.InvariantCulture), s.LiveMiB.ToString("F1", CultureInfo.InvariantCulture),
                s.HeapMiB.ToString("F1", CultureInfo.InvariantCulture), s.ResidentMiB.ToString("F1", CultureInfo.InvariantCulture),
                s.PostSeconds.ToString("F1", CultureInfo.InvariantCulture) }));
        for (var i = 1; i < samples.Count; i++)
        {
            var growth = (samples[i].LiveMiB - samples[i - 1].LiveMiB) / samples[i - 1].LiveMiB;
            report.Line($"{samples[i].Step}: live heap {growth:+0.0%;-0.0%} ({(samples[i].LiveMiB - samples[i - 1].LiveMiB) * MiB / settings.HistoryEvents:F1} bytes per event; " +
                "target below 5% for events older than every window).");
        }
    }

    /// <summary>Reads every user once; a user without events yet (a smoke run posts few) answers 404.</summary>
    private static async Task ReadEveryUserAsync(HttpClient client, int users) =>
        await Parallel.ForAsync(0, users, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (user, ct) =>
        {
            using var answer = await client.GetAsync($"/v1/users/u-{user:D5}", ct);
            if (answer.StatusCode != System.Net.HttpStatusCode.NotFound)
            {
                answer.EnsureSuccessStatusCode();
            }
        });

    /// <summary>
    /// The live managed heap after the last collection, from the Prometheus scrape: the heap size summed over
    /// generations less their fragmentation (free space between objects, which the large object heap keeps unless it
    /// is compacted).
    /// </summary>
    public static async Task<(double Heap, double Live)> ManagedHeapAsync(HttpClient client)
    {
        var lines = (await client.GetStringAsync("/metrics")).Split('\n');
        double Sum(string metric)
        {
            var values = lines.Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal)).ToList();
            return values.Count > 0
                ? values.Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))
                : throw new InvalidOperationException($"No {metric} on /metrics.");
        }
        var heap = Sum("dotnet_gc_last_collection_heap_size_bytes");
        return (heap, heap - Sum("dotnet_gc_last_collection_heap_fragmentation_size_bytes"));
    }
}
