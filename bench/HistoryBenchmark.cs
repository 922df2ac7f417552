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

    private readonly List<(long Events, double HeapMiB, double ResidentMiB, double PostSeconds)> samples = [];

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
            samples.Add((posted, await ManagedHeapAsync(client) / MiB, service.ResidentBytes / MiB, postSeconds));
            Console.WriteLine($"history: {posted:N0} events, heap {samples[^1].HeapMiB:F1} MiB, resident {samples[^1].ResidentMiB:F1} MiB");
        }
    }

    public void Report(Report report)
    {
        report.Section("10. History does not cost memory");
        report.Line($"{Users:N0} users and {Ideas:N0} ideas; {EventsPerStep:N0} events per step dated 200-700 days ago (90% views, 9% " +
            "comments, likes and shares, 1% creates), posted in batches of 1,000 by 4 clients to the embedded service on its defaults " +
            "(read model horizon 211 days). After each step: every user read once (their grains active), one dashboard read (the model " +
            "has folded everything), a forced full collection, then the managed heap (the runtime's own gauge on /metrics) and resident set.");
        report.Table(["events posted", "managed heap (MiB)", "resident (MiB)", "posting took (s)"],
            samples.Select(s => new[] { s.Events.ToString("N0", CultureInfo.InvariantCulture), s.HeapMiB.ToString("F1", CultureInfo.InvariantCulture),
                s.ResidentMiB.ToString("F1", CultureInfo.InvariantCulture), s.PostSeconds.ToString("F1", CultureInfo.InvariantCulture) }));
        if (samples.Count >= 2)
        {
            var growth = (samples[^1].HeapMiB - samples[^2].HeapMiB) / samples[^2].HeapMiB;
            report.Line($"Heap growth over the last step: {growth:P1} (target below 5%), {(samples[^1].HeapMiB - samples[^2].HeapMiB) * MiB / EventsPerStep:F1} bytes per event.");
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

    /// <summary>The heap size after the last collection, summed over generations, from the Prometheus scrape.</summary>
    private static async Task<double> ManagedHeapAsync(HttpClient client)
    {
        var text = await client.GetStringAsync("/metrics");
        var lines = text.Split('\n').Where(line => line.StartsWith("dotnet_gc_last_collection_heap_size_bytes", StringComparison.Ordinal)).ToList();
        if (lines.Count == 0)
        {
            var names = text.Split('\n').Where(l => l.Contains("gc", StringComparison.Ordinal) && !l.StartsWith('#')).Select(l => l.Split('{', ' ')[0]).Distinct();
            throw new InvalidOperationException("No heap size gauge on /metrics; GC metrics there: " + string.Join(", ", names));
        }
        return lines.Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }
}
