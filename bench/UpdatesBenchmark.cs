using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Collaboration.Bench;

/// <summary>
/// Benchmark 12, "what's new on what I follow": the generated company posted into the embedded service on its
/// defaults, then readers who each follow the ideas with the most events (the popular one with its 100,000 followers
/// among them), 20 days ago, so that most of the company's activity is new to them. Measured: a reader's first read of
/// <c>/v1/users/{id}/updates</c> (activating their followed ideas' grains), then the same reads over and over with the
/// grains in memory, and the heap those idea grains add (their packed activity and participants).
/// </summary>
public sealed class UpdatesBenchmark(Settings settings)
{
    private const int Readers = 20;
    private const int Follows = 500;
    private const int Rounds = 50;
    private const double MiB = 1024 * 1024;

    private int followed;
    private long followedEvents;
    private double heapBeforeMiB, heapAfterMiB;

    public Series First { get; } = new("ms");

    public Series Warm { get; } = new("ms");

    public async Task RunAsync()
    {
        var company = CompanyStreams.Load(settings.CompanyDirectory);
        var data = Path.Combine(settings.WorkDirectory, "store-updates");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
        await using var service = await Processes.StartApiAsync(data, new Dictionary<string, string>());
        using var client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        await LoadGen.PostAsync(settings.LoadGenAssembly, settings.CompanyDirectory, service.BaseAddress!);

        var ideas = company.Ideas.OrderByDescending(idea => idea.Events).ThenBy(idea => idea.Id, StringComparer.Ordinal).Take(Follows).ToList();
        followed = ideas.Count;
        followedEvents = ideas.Sum(idea => idea.Events);
        var readers = Enumerable.Range(0, Readers).Select(i => $"updates-reader-{i:D2}").ToList();
        var followedAt = DateTimeOffset.UtcNow.AddDays(-20).ToString("O", CultureInfo.InvariantCulture);
        foreach (var reader in readers)
        {
            var body = new StringBuilder("{\"events\":[");
            body.AppendJoin(',', ideas.Select(idea =>
                $$"""{"eventId":"{{reader}}-{{idea.Id}}","type":"follow","userId":"{{reader}}","ideaId":"{{idea.Id}}","occurredAt":"{{followedAt}}"}"""));
            body.Append("]}");
            using var response = await client.PostAsync("/v1/events/batch", new StringContent(body.ToString(), Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
        }

        await service.CollectGarbageAsync();
        heapBeforeMiB = (await HistoryBenchmark.ManagedHeapAsync(client)).Live / MiB;
        foreach (var reader in readers)
        {
            First.Add(await ReadAsync(client, reader));
        }
        await service.CollectGarbageAsync();
        heapAfterMiB = (await HistoryBenchmark.ManagedHeapAsync(client)).Live / MiB;
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var reader in readers)
            {
                Warm.Add(await ReadAsync(client, reader));
            }
        }
        Console.WriteLine($"updates: first read p50 {First.Percentile(50):F1} ms, warm p50 {Warm.Percentile(50):F2} ms, p99 {Warm.Percentile(99):F2} ms");
    }

    /// <summary>One read of a reader's updates (the first page, 100 items); returns its latency in milliseconds.</summary>
    private static async Task<double> ReadAsync(HttpClient client, string reader)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync($"/v1/users/{reader}/updates");
        var body = await response.Content.ReadAsStringAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return response.IsSuccessStatusCode && body.Contains("\"ideaId\"", StringComparison.Ordinal)
            ? elapsed
            : throw new InvalidOperationException($"updates of {reader} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
    }

    public void Report(Report report)
    {
        report.Section("12. What's new on what I follow");
        report.Line($"The company posted into the embedded service on its defaults; then {Readers} readers each follow the {followed:N0} ideas with the most events " +
            $"({followedEvents:N0} events between them, the most popular with 100,000 followers when the company is large enough), followed 20 days ago. " +
            $"Each reader's first `GET /v1/users/{{id}}/updates` activates the idea grains it asks (the first reader's most of all); then {Rounds} rounds of every reader " +
            "one after another, the grains in memory. Idea grains' heap: the live managed heap after a forced full collection, after the first reads less before them.");
        report.Table(["measure", "p50", "p99", "max", "target"],
        [
            ["first read of a reader", Ms(First.Percentile(50)), Ms(First.Percentile(99)), Ms(First.Max), ""],
            ["read, followed ideas in memory", Ms(Warm.Percentile(50)), Ms(Warm.Percentile(99)), Ms(Warm.Max), "p99 < 50 ms"],
        ]);
        report.Line($"The {followed:N0} idea grains added {heapAfterMiB - heapBeforeMiB:F1} MiB of live heap ({(heapAfterMiB - heapBeforeMiB) * MiB / Math.Max(1, followed):N0} bytes each, " +
            $"{(heapAfterMiB - heapBeforeMiB) * MiB / Math.Max(1, followedEvents):F1} per event they hold).");
    }

    private static string Ms(double value) => value.ToString("F1", CultureInfo.InvariantCulture) + " ms";
}
