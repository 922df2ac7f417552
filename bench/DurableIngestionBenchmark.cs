using Collaboration.Journal.Postgres;
using Npgsql;
using Collaboration.Testing;

namespace Collaboration.Bench;

/// <summary>
/// Issue benchmark 1: durable ingestion through the service (HTTP batches, acknowledged) against the same events
/// written once by the database's fastest bulk path (<see cref="EventsWrittenOnce"/>), embedded SQLite and PostgreSQL.
/// Rounds alternate which side goes first; every run gets a fresh store.
/// </summary>
public sealed class DurableIngestionBenchmark(Settings settings)
{
    private EventsWrittenOnce? reference;

    public Store Embedded { get; } = new("embedded SQLite", 20_000);

    public Store Postgres { get; } = new("PostgreSQL", 15_000);

    public async Task RunAsync()
    {
        reference = EventsWrittenOnce.Read(Path.Combine(settings.CompanyDirectory, "events.ndjson"));
        await MeasureAsync(Embedded, ServiceEmbeddedAsync, RawEmbeddedAsync);
        await using var server = await PostgresServer.StartAsync();
        await MeasureAsync(Postgres, round => ServicePostgresAsync(server, round), round => RawPostgresAsync(server, round));
    }

    private async Task MeasureAsync(Store store, Func<int, Task<double>> service, Func<int, Task<TimeSpan>> bulk)
    {
        for (var round = 1; round <= settings.Rounds; round++)
        {
            var serviceFirst = round % 2 == 1;
            var serviceRate = 0.0;
            var bulkTime = TimeSpan.Zero;
            foreach (var runService in serviceFirst ? new[] { true, false } : [false, true])
            {
                if (runService)
                {
                    serviceRate = await service(round);
                    Console.WriteLine($"  round {round}, {store.Name}, service: {serviceRate:N0} events/s");
                }
                else
                {
                    bulkTime = await bulk(round);
                    Console.WriteLine($"  round {round}, {store.Name}, events written once: {settings.Events / bulkTime.TotalSeconds:N0} events/s ({reference!.Count:N0} rows in {bulkTime.TotalSeconds:F2} s)");
                }
            }
            store.Service.Add(serviceRate);
            store.Bulk.Add(settings.Events / bulkTime.TotalSeconds);
            store.Ratio.Add(serviceRate / (settings.Events / bulkTime.TotalSeconds));
        }
    }

    private async Task<double> ServiceEmbeddedAsync(int round)
    {
        var data = FreshDirectory($"ingest-{round}-service-sqlite");
        double rate;
        await using (var service = await Processes.StartApiAsync(data, new Dictionary<string, string>()))
        {
            rate = await LoadGen.PostAsync(settings.LoadGenAssembly, settings.CompanyDirectory, service.BaseAddress!);
        }
        Directory.Delete(data, recursive: true);
        return rate;
    }

    private Task<TimeSpan> RawEmbeddedAsync(int round)
    {
        var data = FreshDirectory($"ingest-{round}-bulk-sqlite");
        var elapsed = reference!.WriteSqlite(Path.Combine(data, "events.db"));
        Directory.Delete(data, recursive: true);
        return Task.FromResult(elapsed);
    }

    private async Task<double> ServicePostgresAsync(PostgresServer server, int round)
    {
        var name = $"bench_service_{round}";
        var connectionString = await CreateStoreAsync(server, name);
        var cluster = new Dictionary<string, string>
        {
            ["Collaboration__Mode"] = "Cluster",
            ["ConnectionStrings__postgres"] = connectionString,
            ["Orleans__ClusterId"] = name,
            ["Orleans__AdvertisedIP"] = "127.0.0.1",
        };
        var data = FreshDirectory($"ingest-{round}-service-postgres");
        double rate;
        await using (var silo = await SiloProcess.StartAsync(settings.WorkDirectory, cluster))
        {
            await using var service = await Processes.StartApiAsync(data, cluster);
            rate = await LoadGen.PostAsync(settings.LoadGenAssembly, settings.CompanyDirectory, service.BaseAddress!);
        }
        await server.DropDatabaseAsync(name);
        Directory.Delete(data, recursive: true);
        return rate;
    }

    private async Task<TimeSpan> RawPostgresAsync(PostgresServer server, int round)
    {
        var name = $"bench_bulk_{round}";
        await server.DropDatabaseAsync(name);
        var elapsed = await reference!.WritePostgresAsync(await server.CreateDatabaseAsync(name));
        await server.DropDatabaseAsync(name);
        return elapsed;
    }

    /// <summary>A new database with the schema the service applies (every silo runs the same migrator before joining).</summary>
    private static async Task<string> CreateStoreAsync(PostgresServer server, string name)
    {
        await server.DropDatabaseAsync(name);
        var connectionString = await server.CreateDatabaseAsync(name);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await PostgresSchema.ApplyAsync(dataSource);
        return connectionString;
    }

    private string FreshDirectory(string name)
    {
        var path = Path.Combine(settings.WorkDirectory, name);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        Directory.CreateDirectory(path);
        return path;
    }

    public void Report(Report report)
    {
        report.Section("Durable ingestion: the service versus the same events written once by a bulk write (benchmark 1)");
        report.Line($"Service: `POST /v1/events/batch` (batch 500, 8 in flight, loadgen on the same machine, acknowledged; the directory import before the events is not timed), analytics on as shipped, a fresh store per run. Embedded: the api with its co-hosted silo on SQLite. PostgreSQL: one cluster-mode silo and the api as its gateway client, on a private local server with default durability (fsync and synchronous commit on).");
        report.Line($"Reference: the {reference?.Count ?? 0:N0} distinct posted events written once into a table of the bench's own (one row per event with its JSON and unique id, indexed by user and by idea), timed from BEGIN to the end of COMMIT. SQLite: a new file, one transaction of prepared inserts, WAL and synchronous=FULL as the service. PostgreSQL: binary COPY in one transaction into an empty database of the same server, the indexes in place. Both sides divide the {settings.Events:N0} posted events by their time. {settings.Rounds} round(s), alternating which side goes first; the ratio is taken per round.");
        report.Table(["store", "measure", "min / median / max", "target"],
            new[] { Embedded, Postgres }.SelectMany(store => new[]
            {
                new[] { store.Name, "service", store.Service.Spread(), $">= {store.Target:N0} events/s" },
                [store.Name, "events written once", store.Bulk.Spread(), ""],
                [store.Name, "service / events written once", store.Ratio.Spread("F2"), ">= 0.50"],
            }));
    }

    /// <summary>The measurements of one kind of store.</summary>
    public sealed class Store(string name, int target)
    {
        public string Name { get; } = name;

        public int Target { get; } = target;

        public Series Service { get; } = new("events/s");

        public Series Bulk { get; } = new("events/s");

        public Series Ratio { get; } = new("");
    }
}
