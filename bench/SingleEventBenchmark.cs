using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Collaboration.Testing;

namespace Collaboration.Bench;

/// <summary>
/// Issue benchmark 2: single-event ingestion, one event per <c>POST /v1/events</c> from 64 concurrent clients over
/// keep-alive connections, next to the HTTP ceiling of the machine: the <see cref="EmptyEndpoint"/> driven by the same
/// client with the same bodies. Alternating rounds; the service gets a fresh store in each.
/// </summary>
public sealed class SingleEventBenchmark(Settings settings)
{
    public const int Clients = 64;
    private const int MaxTimedEvents = 20_000;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public Series ServiceRate { get; } = new("events/s");

    public Series CeilingRate { get; } = new("events/s");

    public Series RateRatio { get; } = new("");

    public Series ServiceP50 { get; } = new("ms");

    public Series ServiceP99 { get; } = new("ms");

    public Series CeilingP50 { get; } = new("ms");

    public Series CeilingP99 { get; } = new("ms");

    public Series P99Ratio { get; } = new("");

    public int WarmupEvents { get; private set; }

    public int TimedEvents { get; private set; }

    /// <summary>Answers other than 202 accepted or 200 duplicate, over every round.</summary>
    public int Failures { get; private set; }

    public async Task RunAsync()
    {
        // The first lines of the company, as loadgen would send them; the same bodies for the service and the ceiling.
        WarmupEvents = (int)Math.Min(MaxTimedEvents / 10, settings.Events / 20);
        TimedEvents = (int)Math.Min(MaxTimedEvents, settings.Events / 5);
        var bodies = File.ReadLines(Path.Combine(settings.CompanyDirectory, "events.ndjson"))
            .Take(WarmupEvents + TimedEvents).Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            var order = round % 2 == 1 ? new[] { true, false } : [false, true];
            var results = new Dictionary<bool, (double Rate, Series Latency)>();
            foreach (var service in order)
            {
                results[service] = service ? await ServiceAsync(round, bodies) : await CeilingAsync(bodies);
                Console.WriteLine($"  round {round}, {(service ? "service" : "empty endpoint")}: {results[service].Rate:N0} events/s, " +
                    $"p50 {results[service].Latency.Percentile(50):F2} ms, p99 {results[service].Latency.Percentile(99):F2} ms");
            }
            var (serviceRun, ceilingRun) = (results[true], results[false]);
            ServiceRate.Add(serviceRun.Rate);
            CeilingRate.Add(ceilingRun.Rate);
            RateRatio.Add(serviceRun.Rate / ceilingRun.Rate);
            ServiceP50.Add(serviceRun.Latency.Percentile(50));
            ServiceP99.Add(serviceRun.Latency.Percentile(99));
            CeilingP50.Add(ceilingRun.Latency.Percentile(50));
            CeilingP99.Add(ceilingRun.Latency.Percentile(99));
            P99Ratio.Add(serviceRun.Latency.Percentile(99) / ceilingRun.Latency.Percentile(99));
        }
    }

    private async Task<(double, Series)> ServiceAsync(int round, byte[][] bodies)
    {
        var data = Path.Combine(settings.WorkDirectory, $"store-single-{round}");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
        var result = await DriveAsync(await Processes.StartApiAsync(data, new Dictionary<string, string>()), bodies);
        Directory.Delete(data, recursive: true);
        return result;
    }

    private async Task<(double, Series)> CeilingAsync(byte[][] bodies) => await DriveAsync(await Processes.StartEmptyEndpointAsync(), bodies);

    private async Task<(double Rate, Series Latency)> DriveAsync(ServiceProcess target, byte[][] bodies)
    {
        await using (target)
        {
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = target.BaseAddress };
            await PostAsync(client, new ArraySegment<byte[]>(bodies, 0, WarmupEvents), latencies: null);
            var latencies = new double[TimedEvents];
            var started = Stopwatch.GetTimestamp();
            await PostAsync(client, new ArraySegment<byte[]>(bodies, WarmupEvents, TimedEvents), latencies);
            var rate = TimedEvents / Stopwatch.GetElapsedTime(started).TotalSeconds;
            var series = new Series("ms");
            foreach (var latency in latencies)
            {
                series.Add(latency);
            }
            return (rate, series);
        }
    }

    /// <summary>Sends every body once, <see cref="Clients"/> requests in flight, each client waiting for its answer.</summary>
    private async Task PostAsync(HttpClient client, ArraySegment<byte[]> bodies, double[]? latencies)
    {
        var next = -1;
        var failures = 0;
        async Task ClientAsync()
        {
            for (var i = Interlocked.Increment(ref next); i < bodies.Count; i = Interlocked.Increment(ref next))
            {
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = Json;
                var started = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync("/v1/events", content);
                await response.Content.ReadAsByteArrayAsync();
                if (latencies is not null)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
                if (response.StatusCode is not (HttpStatusCode.Accepted or HttpStatusCode.OK))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(ClientAsync)));
        Failures += failures;
    }

    public void Report(Report report)
    {
        report.Section("Single-event ingestion versus the HTTP ceiling (benchmark 2)");
        report.Line($"`POST /v1/events`, one event per request, {Clients} concurrent clients over keep-alive connections from the benchmark process on the same machine. " +
            $"Each run sends the first {WarmupEvents:N0} lines of `events.ndjson` untimed (connections, JIT), then times the next {TimedEvents:N0}; a 200 for a duplicate line counts as answered. " +
            $"The service runs with its defaults (analytics on) on a fresh store, without the directory (events do not need profiles). " +
            $"The ceiling is a Kestrel app in a child process (this program with `{EmptyEndpoint.Option}`, server GC like the api) answering 202 with no work, sent the same bodies by the same client. " +
            $"{settings.Rounds} alternating round(s); ratios are taken per round. Answers other than 202 or 200: {Failures}.");
        report.Table(["measure", "service", "empty endpoint", "service / empty", "target"],
        [
            ["events/s", ServiceRate.Spread(), CeilingRate.Spread(), RateRatio.Spread("F2"), ""],
            ["p50 latency", ServiceP50.Spread("F2"), CeilingP50.Spread("F2"), "", ""],
            ["p99 latency", ServiceP99.Spread("F2"), CeilingP99.Spread("F2"), P99Ratio.Spread("F1"), "service < 20 ms"],
        ]);
    }
}
