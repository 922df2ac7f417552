using Collaboration.Journal.Postgres;
using Npgsql;
using Collaboration.Testing;

namespace Collaboration.Bench;

/// <summary>
/// Issue benchmark 1: durable ingestion through the service (HTTP batches, acknowledged) against the fastest bulk
/// write of the same rows into the same kind of store, embedded SQLite and PostgreSQL. Rounds alternate which side
/// goes first; every run gets a fresh store. The rows come from the first service run of each store.
/// </summary>
public sealed class DurableIngestionBenchmark(Settings settings)
{
    public Store Embedded { get; } = new("embedded SQLite", 30_000);

    public Store Postgres { get; } = new("PostgreSQL", 20_000);

    public async Task RunAsync()
    {
        await MeasureAsync(Embedded, ServiceEmbeddedAsync, RawEmbeddedAsync);
        await using var server = await PostgresServer.StartAsync();
        await MeasureAsync(Postgres, (round, read) => ServicePostgresAsync(server, round, read), (rows, round) => RawPostgresAsync(server, rows, round));
    }

    private async Task MeasureAsync(Store store, Func<int, bool, Task<(double Rate, StoredRows? Rows)>> service, Func<StoredRows, int, Task<TimeSpan>> bulk)
    {
        StoredRows? rows = null;
        for (var round = 1; round <= settings.Rounds; round++)
        {
            // Round 1 runs the service first, which also provides the rows for every bulk write.
            var serviceFirst = round % 2 == 1;
            var serviceRate = 0.0;
            var bulkTime = TimeSpan.Zero;
            foreach (var runService in serviceFirst ? new[] { true, false } : [false, true])
            {
                if (runService)
                {
                    (serviceRate, var read) = await service(round, rows is null);
                    rows ??= read;
                    Console.WriteLine($"  round {round}, {store.Name}, service: {serviceRate:N0} events/s");
                }
                else
                {
                    bulkTime = await bulk(rows!, round);
                    Console.WriteLine($"  round {round}, {store.Name}, bulk write: {settings.Events / bulkTime.TotalSeconds:N0} events/s ({rows!.Count:N0} rows in {bulkTime.TotalSeconds:F2} s)");
                }
            }
            store.Service.Add(serviceRate);
            store.Bulk.Add(settings.Events / bulkTime.TotalSeconds);
            store.BulkRows.Add(rows!.Count / bulkTime.TotalSeconds);
            store.Ratio.Add(serviceRate / (settings.Events / bulkTime.TotalSeconds));
        }
        store.Rows = rows!.Describe();
    }

    private async Task<(double, StoredRows?)> ServiceEmbeddedAsync(int round, bool readRows)
    {
        var data = FreshDirectory($"ingest-{round}-service-sqlite");
        double rate;
        await using (var service = await Processes.StartApiAsync(data, new Dictionary<string, string>()))
        {
            rate = await LoadGen.PostAsync(settings.LoadGenAssembly, settings.CompanyDirectory, service.BaseAddress!);
        }
        var rows = readRows ? StoredRows.ReadSqlite(Path.Combine(data, "collaboration.db")) : null;
        Directory.Delete(data, recursive: true);
        return (rate, rows);
    }

    private Task<TimeSpan> RawEmbeddedAsync(StoredRows rows, int round)
    {
        var data = FreshDirectory($"ingest-{round}-bulk-sqlite");
        var elapsed = rows.WriteSqlite(Path.Combine(data, "collaboration.db"));
        Directory.Delete(data, recursive: true);
        return Task.FromResult(elapsed);
    }

    private async Task<(double, StoredRows?)> ServicePostgresAsync(PostgresServer server, int round, bool readRows)
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
        var rows = readRows ? await StoredRows.ReadPostgresAsync(connectionString) : null;
        await server.DropDatabaseAsync(name);
        Directory.Delete(data, recursive: true);
        return (rate, rows);
    }

    private static async Task<TimeSpan> RawPostgresAsync(PostgresServer server, StoredRows rows, int round)
    {
        var name = $"bench_bulk_{round}";
        var elapsed = await rows.WritePostgresAsync(await CreateStoreAsync(server, name));
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
        report.Section("Durable ingestion: the service versus a bulk write of the same rows (benchmark 1)");
        report.Line($"Service: `POST /v1/events/batch` (batch 500, 8 in flight, loadgen on the same machine, acknowledged; the directory import before the events is not timed), analytics on as shipped, a fresh store per run. Embedded: the api with its co-hosted silo on SQLite. PostgreSQL: one cluster-mode silo and the api as its gateway client, on a private local server with default durability (fsync and synchronous commit on).");
        report.Line($"Bulk write: the rows the first service run stored, read back and written into a fresh store with the service's schema, timed from BEGIN to the end of COMMIT. SQLite: one transaction of prepared inserts, synchronous=FULL and WAL as the service. PostgreSQL: binary COPY of the three tables in one transaction. Its events/s divides the {settings.Events:N0} posted events by that time; its rows also hold the directory's profile events, which the service's rate does not time. Rows: embedded {Embedded.Rows}; PostgreSQL {Postgres.Rows}. {settings.Rounds} round(s), alternating which side goes first; the ratio is taken per round.");
        report.Table(["store", "measure", "min / median / max", "target"],
            new[] { Embedded, Postgres }.SelectMany(store => new[]
            {
                new[] { store.Name, "service", store.Service.Spread(), $">= {store.Target:N0} events/s" },
                [store.Name, "bulk write", store.Bulk.Spread(), ""],
                [store.Name, "bulk write rows", store.BulkRows.Spread(), ""],
                [store.Name, "service / bulk write", store.Ratio.Spread("F2"), ">= 0.50"],
            }));
    }

    /// <summary>The measurements of one kind of store.</summary>
    public sealed class Store(string name, int target)
    {
        public string Name { get; } = name;

        public int Target { get; } = target;

        public Series Service { get; } = new("events/s");

        public Series Bulk { get; } = new("events/s");

        public Series BulkRows { get; } = new("rows/s");

        public Series Ratio { get; } = new("");

        public string Rows { get; set; } = "";
    }
}
