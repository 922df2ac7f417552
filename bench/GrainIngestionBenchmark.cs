using System.Diagnostics;
using System.Text.Json;
using Collaboration.Api.Validation;
using Collaboration.Events;
using Collaboration.Hosting;
using Collaboration.Ingestion;
using Collaboration.Journal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Collaboration.Testing;

namespace Collaboration.Bench;

/// <summary>
/// Issue benchmark 3: ingestion through the ingest grain, without HTTP: a silo in this process with the service's own
/// wiring (embedded mode, SQLite), and its client calling <see cref="IIngestGrain"/> with the posted batches; then the
/// same with the event store and snapshots in memory, for the cost of durability. Rounds alternate which goes first.
/// </summary>
public sealed class GrainIngestionBenchmark(Settings settings)
{
    private const int BatchSize = 500;
    private const int InFlight = 8;

    public Series Durable { get; } = new("events/s");

    public Series Memory { get; } = new("events/s");

    public Series Ratio { get; } = new("");

    public async Task RunAsync()
    {
        var batches = ReadEvents().Chunk(BatchSize).ToArray();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            var rates = new Dictionary<bool, double>();
            foreach (var durable in round % 2 == 1 ? new[] { true, false } : [false, true])
            {
                rates[durable] = await IngestAsync(batches, round, durable);
                Console.WriteLine($"  round {round}, {(durable ? "durable" : "memory")}: {rates[durable]:N0} events/s");
            }
            Durable.Add(rates[true]);
            Memory.Add(rates[false]);
            Ratio.Add(rates[true] / rates[false]);
        }
    }

    /// <summary>The company's events as the api hands them to the grains: parsed by the api's own parser.</summary>
    private List<Interaction> ReadEvents()
    {
        var now = DateTimeOffset.UtcNow;
        var events = new List<Interaction>();
        foreach (var line in File.ReadLines(Path.Combine(settings.CompanyDirectory, "events.ndjson")))
        {
            using var json = JsonDocument.Parse(line);
            if (EventParser.TryParse(json.RootElement, now, out var interaction) is { } error)
            {
                throw new InvalidOperationException($"an event line does not parse ({error}): {line}");
            }
            events.Add(interaction!);
        }
        return events;
    }

    private async Task<double> IngestAsync(Interaction[][] batches, int round, bool durable)
    {
        var data = Path.Combine(settings.WorkDirectory, $"grains-{round}-{(durable ? "durable" : "memory")}");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["COLLAB_DATA_DIR"] = data,
            ["Orleans:SiloPort"] = FreePort.Next().ToString(),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(),
            // The memory journal has no feed; the read model only reads the feed when asked, never while ingesting.
            ["Analytics:Enabled"] = "false",
        });
        builder.UseOrleans(silo =>
        {
            silo.AddCollaborationGrains(builder.Configuration);
            if (!durable)
            {
                var memory = new MemoryEventStore();
                silo.Services.RemoveAll<IEventStore>().RemoveAll<IGrainSnapshotStore>()
                    .AddSingleton<IEventStore>(memory)
                    .AddSingleton<IGrainSnapshotStore>(memory);
            }
        });
        TimeSpan elapsed;
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var ingest = host.Services.GetRequiredService<IClusterClient>().GetGrain<IIngestGrain>(0);
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (batch, _) =>
            {
                var results = await ingest.IngestAsync(batch, postedBy: null);
                if (results.FirstOrDefault(result => result.Status == IngestStatus.Conflict) is { } conflict)
                {
                    throw new InvalidOperationException($"an event was refused: {conflict.Field}: {conflict.Error}");
                }
            });
            elapsed = clock.Elapsed;
            await host.StopAsync();
        }
        Directory.Delete(data, recursive: true);
        return batches.Sum(batch => batch.Length) / elapsed.TotalSeconds;
    }

    public void Report(Report report)
    {
        report.Section("Grain-only ingestion: durable versus memory storage (benchmark 3)");
        report.Line($"A silo in the bench process with the service's own wiring (`AddCollaborationGrains`, embedded mode) and its client calling `IIngestGrain.IngestAsync` with the company's events (parsed by the api's `EventParser`), batches of {BatchSize}, {InFlight} in flight, no HTTP. The directory is not imported (ingestion does not need profiles). Durable: SQLite in a fresh folder, as the service. Memory: the event store and grain snapshots replaced by in-memory ones (same id and thread checks). Both run with `Analytics:Enabled=false`, since the memory journal has no feed; the read model does not take part in ingestion either way. {settings.Rounds} round(s), alternating which goes first; the ratio is taken per round.");
        report.Table(["measure", "min / median / max"],
        [
            ["durable (SQLite)", Durable.Spread()],
            ["memory", Memory.Spread()],
            ["durable / memory", Ratio.Spread("F2")],
        ]);
    }
}
