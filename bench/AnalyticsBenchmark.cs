using System.Diagnostics;
using Collaboration.Testing;

namespace Collaboration.Bench;

/// <summary>
/// Issue benchmarks 5 and 7: durable batch ingestion with the participation read model on versus off, in alternating
/// rounds on fresh stores so that drift hits both sides; then one more run with analytics on and a dashboard polling
/// ten times a second, for read latency while ingestion runs and, after it, when idle with the whole company loaded.
/// </summary>
public sealed class AnalyticsBenchmark(Settings settings)
{
    private static readonly string[] Dashboards = ["/v1/stats/participation?by=country", "/v1/stats/ties?by=country"];

    /// <summary>The process's trivial endpoint, sampled in the same loop: the reference of the read-latency ratio.</summary>
    private const string Trivial = "/health/live";

    private static readonly string[] Sampled = [.. Dashboards, Trivial];

    public Series Off { get; } = new("events/s");

    public Series On { get; } = new("events/s");

    public Series Ratio { get; } = new("");

    public Dictionary<string, Series> DuringIngestion { get; } = Sampled.ToDictionary(path => path, _ => new Series("ms"));

    public Dictionary<string, Series> Idle { get; } = Sampled.ToDictionary(path => path, _ => new Series("ms"));

    /// <summary>The reads during ingestion that came first after the poll's wait (see <see cref="PollAsync"/>).</summary>
    public Dictionary<string, Series> FirstAfterWait { get; } = Sampled.ToDictionary(path => path, _ => new Series("ms"));

    public long ResidentBytes { get; private set; }

    /// <summary>Ingestion while a dashboard polls (not part of the ratio).</summary>
    public double PolledRate { get; private set; }

    /// <param name="onOff">Benchmark 7: the alternating rounds with the read model on and off.</param>
    /// <param name="reads">Benchmark 5: the run with a polling dashboard.</param>
    public async Task RunAsync(bool onOff, bool reads)
    {
        (ranOnOff, ranReads) = (onOff, reads);
        for (var round = 1; onOff && round <= settings.Rounds; round++)
        {
            // Alternate which side goes first, so a machine that slows down over time does not favour one.
            var order = round % 2 == 1 ? new[] { false, true } : [true, false];
            var rates = new Dictionary<bool, double>();
            foreach (var analytics in order)
            {
                rates[analytics] = await IngestAsync(round, analytics);
                Console.WriteLine($"  round {round}, analytics {(analytics ? "on" : "off")}: {rates[analytics]:N0} events/s");
            }
            Off.Add(rates[false]);
            On.Add(rates[true]);
            Ratio.Add(rates[true] / rates[false]);
        }
        if (reads)
        {
            PolledRate = await IngestAsync(0, analytics: true, poll: true);
            Console.WriteLine($"  analytics on with a polling dashboard: {PolledRate:N0} events/s");
        }
    }

    private bool ranOnOff;
    private bool ranReads;

    private async Task<double> IngestAsync(int round, bool analytics, bool poll = false)
    {
        var data = Path.Combine(settings.WorkDirectory, $"store-{round}-{(analytics ? "on" : "off")}");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
        await using var service = await Processes.StartApiAsync(data,
            new Dictionary<string, string> { ["Analytics__Enabled"] = analytics ? "true" : "false" });
        using var client = new HttpClient { BaseAddress = service.BaseAddress };
        using var stop = new CancellationTokenSource();
        var polling = poll ? PollAsync(client, stop.Token) : Task.CompletedTask;
        var rate = await LoadGen.PostAsync(settings.LoadGenAssembly, settings.CompanyDirectory, service.BaseAddress!);
        await stop.CancelAsync();
        await polling;
        if (poll)
        {
            foreach (var path in Sampled)
            {
                for (var i = 0; i < settings.IdleReads; i++)
                {
                    Idle[path].Add(await TimeAsync(client, path));
                }
            }
            ResidentBytes = Math.Max(ResidentBytes, service.ResidentBytes);
        }
        Directory.Delete(data, recursive: true);
        return rate;
    }

    /// <summary>
    /// Reads every sampled path in turn, then waits. The first read after the wait meets a connection gone quiet (under
    /// saturation its request waits in the thread pool's global queue, the others follow on a busy connection), so the
    /// turn starts at the next path each time and every path is sampled in every position equally often.
    /// </summary>
    private async Task PollAsync(HttpClient client, CancellationToken stop)
    {
        for (var turn = 0; !stop.IsCancellationRequested; turn++)
        {
            for (var i = 0; i < Sampled.Length; i++)
            {
                var path = Sampled[(turn + i) % Sampled.Length];
                var latency = await TimeAsync(client, path);
                DuringIngestion[path].Add(latency);
                if (i == 0)
                {
                    FirstAfterWait[path].Add(latency);
                }
            }
            try
            {
                await Task.Delay(100, stop); // a dashboard's polling pace
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<double> TimeAsync(HttpClient client, string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(path);
        await response.Content.ReadAsByteArrayAsync();
        response.EnsureSuccessStatusCode();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    public void Report(Report report)
    {
        if (ranOnOff)
        {
            ReportOnOff(report);
        }
        if (ranReads)
        {
            ReportReads(report);
        }
    }

    private void ReportOnOff(Report report)
    {
        report.Section("Participation analytics: ingestion with the read model on versus off (benchmark 7)");
        report.Line($"`POST /v1/events/batch` (batch 500, 8 in flight, loadgen on the same machine), embedded SQLite, a fresh store per run, {settings.Rounds} alternating round(s); the ratio is taken per round.");
        report.Table(["measure", "min / median / max", "target"],
        [
            ["analytics off", Off.Spread(), ""],
            ["analytics on", On.Spread(), ""],
            ["on / off", Ratio.Spread("F2"), ">= 0.90"],
        ]);
    }

    private void ReportReads(Report report)
    {
        report.Section("Dashboard reads with the whole company loaded (benchmark 5)");
        report.Line($"One more run with analytics on while a dashboard reads both endpoints and `{Trivial}` every 100 ms (sequential, HTTP keep-alive, each turn starting at the next of the three so that each comes first after the wait equally often); it ingested {PolledRate:N0} events/s. A read waits until the read model has folded what the journal held when the read arrived. Idle: {settings.IdleReads} reads of each after the last post. Resident memory of the api at the end: {ResidentBytes / 1024.0 / 1024.0:N0} MiB. The ratio is a read's p99 over the p99 of `{Trivial}` sampled in the same loop at the same time (target: at most 2).");
        var rows = new List<string[]>();
        foreach (var path in Sampled)
        {
            rows.Add([$"`{path}` during ingestion", $"{DuringIngestion[path].Count}", Ms(DuringIngestion[path].Percentile(50)), Ms(DuringIngestion[path].Percentile(99)),
                $"{DuringIngestion[path].Percentile(99) / DuringIngestion[Trivial].Percentile(99):F2}"]);
            rows.Add([$"`{path}` during ingestion, first after the wait", $"{FirstAfterWait[path].Count}", Ms(FirstAfterWait[path].Percentile(50)),
                Ms(FirstAfterWait[path].Percentile(99)), $"{FirstAfterWait[path].Percentile(99) / FirstAfterWait[Trivial].Percentile(99):F2}"]);
            rows.Add([$"`{path}` idle", $"{Idle[path].Count}", Ms(Idle[path].Percentile(50)), Ms(Idle[path].Percentile(99)),
                $"{Idle[path].Percentile(99) / Idle[Trivial].Percentile(99):F2}"]);
        }
        report.Table(["read", "samples", "p50", "p99", "p99 / p99 of the trivial endpoint"], rows);
        report.Line("The rows \"first after the wait\" compare like with like: every path is slower there (a dashboard read then also waits for the fold of the commits since the last read, which the reads right after it find done). Until 2026-12-06 the three were read in a fixed order, the trivial endpoint always last, which charged that to the dashboards alone.");
    }

    private static string Ms(double value) => $"{value:F2} ms";
}
