using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Collaboration.Bench;

/// <summary>
/// Benchmark 11, the soak: the embedded service on its defaults takes a company's events at a steady rate for
/// <see cref="Settings.SoakMinutes"/> minutes, dated as they are posted (90% views, 9% comments, likes and shares, 1%
/// creates), while readers look at users of a rotating active set and at a dashboard. Every minute: the live managed
/// heap after a forced full collection, the heap with its fragmentation, the resident set and the activations.
/// </summary>
public sealed class SoakBenchmark(Settings settings)
{
    private const int Users = 20_000;
    private const int Ideas = 2_000;
    private const int BatchSize = 500;
    private const double MiB = 1024 * 1024;

    /// <summary>Users read per second, from an active set of <see cref="ActiveUsers"/> that moves on by one user per read.</summary>
    private const int UserReadsPerSecond = 100;
    private const int ActiveUsers = 5_000;

    /// <summary>Each user contributes to 3 ideas of their own (see <see cref="GeneratedEvents.Batch"/>): relationships level off as in a company.</summary>
    private const int IdeasPerUser = 3;

    private readonly List<Sample> samples = [];

    private sealed record Sample(double Minute, long Events, double LiveMiB, double HeapMiB, double ResidentMiB, long Activations);

    public async Task RunAsync()
    {
        var data = Path.Combine(settings.WorkDirectory, "soak-data");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
        await using var service = await Processes.StartApiAsync(data, new Dictionary<string, string>());
        using var client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(settings.SoakMinutes));
        var started = Stopwatch.GetTimestamp();
        long posted = 0;
        var posting = Task.WhenAll(Enumerable.Range(0, 4).Select(worker => PostAsync(worker, 4)));
        var reading = ReadAsync();
        for (var minute = 1; minute <= settings.SoakMinutes; minute++)
        {
            var due = TimeSpan.FromMinutes(minute) - Stopwatch.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }
            await service.CollectGarbageAsync();
            var (heap, live) = await HistoryBenchmark.ManagedHeapAsync(client);
            var sample = new Sample(Stopwatch.GetElapsedTime(started).TotalMinutes, Interlocked.Read(ref posted), live / MiB, heap / MiB,
                service.ResidentBytes / MiB, await ActivationsAsync(client));
            samples.Add(sample);
            Console.WriteLine($"soak: minute {sample.Minute:F1}, {sample.Events:N0} events, live heap {sample.LiveMiB:F1} MiB, " +
                $"heap {sample.HeapMiB:F1} MiB, resident {sample.ResidentMiB:F1} MiB, {sample.Activations:N0} activations");
        }
        await stop.CancelAsync();
        await Task.WhenAll(posting, reading);

        // Batches go out on a schedule (a steady rate, not as fast as the service takes them); a late one is sent at once.
        async Task PostAsync(int worker, int workers)
        {
            var interval = TimeSpan.FromSeconds((double)BatchSize / settings.SoakRate);
            for (long batch = worker; !stop.IsCancellationRequested; batch += workers)
            {
                var wait = interval * batch - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
                var random = new Random((int)batch);
                var now = DateTimeOffset.UtcNow;
                var body = GeneratedEvents.Batch(BatchSize, Users, Ideas, random, () => now.AddMilliseconds(-random.Next(60_000)), $"s{batch}",
                    IdeasPerUser);
                using var response = await client.PostAsync("/v1/events/batch", new StringContent(body, Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
                Interlocked.Add(ref posted, BatchSize);
            }
        }

        async Task ReadAsync()
        {
            for (long read = 0; !stop.IsCancellationRequested; read++)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1.0 / UserReadsPerSecond), stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                var user = (int)((read / 10 + read % 10 * (ActiveUsers / 10)) % Users);
                // 404 until the user's first event is stored.
                using var answer = await client.GetAsync($"/v1/users/u-{user:D5}");
                if (answer.StatusCode != System.Net.HttpStatusCode.NotFound)
                {
                    answer.EnsureSuccessStatusCode();
                }
                if (read % (5 * UserReadsPerSecond) == 0)
                {
                    (await client.GetAsync("/v1/stats/participation?window=28d&by=country")).EnsureSuccessStatusCode();
                }
            }
        }
    }

    public void Report(Report report)
    {
        report.Section("11. Soak: memory under steady ingestion");
        report.Line($"{settings.SoakRate:N0} events/s for {settings.SoakMinutes} minutes into the embedded service on its defaults, dated as posted, " +
            $"from {Users:N0} users on {Ideas:N0} ideas (90% views of any idea; 9% comments, likes and shares and 1% creates, each user on " +
            $"{IdeasPerUser} ideas of their own; each idea's first create owns it), in batches of {BatchSize}; meanwhile {UserReadsPerSecond} user reads a second over an active set of {ActiveUsers:N0} " +
            "users that moves on by one user every 10 reads, and a dashboard every 5 s. Each minute: a forced full collection, then the " +
            "live managed heap (heap size less fragmentation, the runtime's gauges on /metrics), the heap with fragmentation, the resident " +
            "set and the activations (Orleans' own gauge, system grains included).");
        report.Table(["minute", "events", "live heap (MiB)", "heap (MiB)", "resident (MiB)", "activations"],
            samples.Select(s => new[]
            {
                s.Minute.ToString("F0", CultureInfo.InvariantCulture), s.Events.ToString("N0", CultureInfo.InvariantCulture),
                s.LiveMiB.ToString("F1", CultureInfo.InvariantCulture), s.HeapMiB.ToString("F1", CultureInfo.InvariantCulture),
                s.ResidentMiB.ToString("F1", CultureInfo.InvariantCulture), s.Activations.ToString("N0", CultureInfo.InvariantCulture),
            }));
        if (samples.Count >= 3)
        {
            // A background snapshot holds a second model while it is written, so single samples jump: compare floors.
            var floors = samples.Chunk((samples.Count + 2) / 3).Select(third => third.Min(x => x.LiveMiB).ToString("F1", CultureInfo.InvariantCulture));
            report.Line($"Lowest live heap in each third of the run: {string.Join(", ", floors)} MiB.");
        }
    }

    /// <summary>Activations on the silo, from Orleans' gauge on /metrics (every grain type, system grains included).</summary>
    private static async Task<long> ActivationsAsync(HttpClient client) =>
        (long)(await client.GetStringAsync("/metrics")).Split('\n')
            .Where(line => line.StartsWith("orleans_catalog_activations{", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
