using System.Globalization;
using System.Text;

namespace Collaboration.Bench;

/// <summary>
/// Benchmark 10, "history does not cost memory": 10,000 users post events dated 200 to 700 days ago (outside every
/// window and the funnel's previous one) into the embedded service on its defaults. After each million the benchmark
/// reads every user (so their grains are active), a dashboard (so the read model has folded everything), forces a full
/// collection and reads the managed heap from the service's own metrics and its resident set. The claim is that the
/// second million grows the heap by less than 5%.
/// </summary>
public sealed class HistoryBenchmark(Settings settings)
{
    public const int Users = 10_000;
    private const int Ideas = 2_000;
    private const int EventsPerStep = 1_000_000;
    private const int Steps = 2;
    private const int BatchSize = 1_000;
    private const double MiB = 1024 * 1024;

    private readonly List<(long Events, double HeapMiB, double LiveMiB, double ResidentMiB, double PostSeconds)> samples = [];

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
        for (var step = 0; step < Steps; step++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await Parallel.ForAsync(0, EventsPerStep / BatchSize, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, ct) =>
            {
                var body = Batch(new Random(step * 100_000 + batch), now, $"h{step}-{batch}");
                using var response = await client.PostAsync("/v1/events/batch", new StringContent(body, Encoding.UTF8, "application/json"), ct);
                response.EnsureSuccessStatusCode();
            });
            var postSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            posted += EventsPerStep;
            await ReadEveryUserAsync(client);
            (await client.GetAsync("/v1/stats/participation?window=all")).EnsureSuccessStatusCode();
            await service.CollectGarbageAsync();
            var (heap, live) = await ManagedHeapAsync(client);
            samples.Add((posted, heap / MiB, live / MiB, service.ResidentBytes / MiB, postSeconds));
            Console.WriteLine($"history: {posted:N0} events, live heap {samples[^1].LiveMiB:F1} MiB, heap {samples[^1].HeapMiB:F1} MiB, resident {samples[^1].ResidentMiB:F1} MiB");
        }
    }

    public void Report(Report report)
    {
        report.Section("10. History does not cost memory");
        report.Line($"{Users:N0} users and {Ideas:N0} ideas; {EventsPerStep:N0} events per step dated 200-700 days ago (90% views, 9% " +
            "comments, likes and shares, 1% creates), posted in batches of 1,000 by 4 clients to the embedded service on its defaults " +
            "(read model horizon 211 days). After each step: every user read once (their grains active), one dashboard read (the model " +
            "has folded everything), a forced full collection, then the live managed heap (the runtime's gauges on /metrics: heap size less fragmentation) and the resident set.");
        report.Table(["events posted", "live managed heap (MiB)", "heap with fragmentation (MiB)", "resident (MiB)", "posting took (s)"],
            samples.Select(s => new[] { s.Events.ToString("N0", CultureInfo.InvariantCulture), s.LiveMiB.ToString("F1", CultureInfo.InvariantCulture),
                s.HeapMiB.ToString("F1", CultureInfo.InvariantCulture),
                s.ResidentMiB.ToString("F1", CultureInfo.InvariantCulture), s.PostSeconds.ToString("F1", CultureInfo.InvariantCulture) }));
        if (samples.Count >= 2)
        {
            var growth = (samples[^1].LiveMiB - samples[^2].LiveMiB) / samples[^2].LiveMiB;
            report.Line($"Live heap growth over the last step: {growth:P1} (target below 5%), " +
                $"{(samples[^1].LiveMiB - samples[^2].LiveMiB) * MiB / EventsPerStep:F1} bytes per event.");
        }
    }

    private static string Batch(Random random, DateTimeOffset now, string prefix)
    {
        var events = new StringBuilder("{\"events\":[");
        for (var i = 0; i < BatchSize; i++)
        {
            var roll = random.Next(100);
            var type = roll < 90 ? "view" : roll < 93 ? "comment" : roll < 96 ? "like" : roll < 99 ? "share" : "create";
            var at = now.AddDays(-700).AddSeconds(random.NextDouble() * 500 * 86_400);
            events.Append(i == 0 ? "" : ",")
                .Append(CultureInfo.InvariantCulture, $"{{\"eventId\":\"{prefix}-{i}\",\"type\":\"{type}\",\"userId\":\"u-{random.Next(Users):D5}\",")
                .Append(CultureInfo.InvariantCulture, $"\"ideaId\":\"i-{random.Next(Ideas):D5}\",\"occurredAt\":\"{at.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}\"}}");
        }
        return events.Append("]}").ToString();
    }

    private static async Task ReadEveryUserAsync(HttpClient client) =>
        await Parallel.ForAsync(0, Users, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (user, ct) =>
            (await client.GetAsync($"/v1/users/u-{user:D5}", ct)).EnsureSuccessStatusCode());

    /// <summary>
    /// The live managed heap after the last collection, from the Prometheus scrape: the heap size summed over
    /// generations less their fragmentation (free space between objects, which the large object heap keeps unless it
    /// is compacted).
    /// </summary>
    private static async Task<(double Heap, double Live)> ManagedHeapAsync(HttpClient client)
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
