using System.Diagnostics;
using Collaboration.Journal.Postgres;
using Collaboration.LoadGen;
using Npgsql;
using Collaboration.Testing;

namespace Collaboration.Bench;

/// <summary>
/// Benchmark 9: the participation read model's failover in a 3-silo PostgreSQL cluster. The company minus its last
/// lines is posted with <c>loadgen post</c>; the last lines then flow one event at a time (<see cref="SteadyPoster"/>,
/// each retried until acknowledged) while the silo hosting the read model's replica 0 is SIGKILLed. Measured: kill to declared dead
/// (its membership row says Dead), and declared dead to the first dashboard answer equal to loadgen's fold of every
/// acknowledged event (<see cref="DashboardCheck"/>). The new activation replays the whole journal; the same numbers
/// show what snapshots of the read model save.
/// </summary>
public sealed class FailoverBenchmark(Settings settings)
{
    private const int Silos = 3;
    private const int Posters = 16;
    private const int AfterDeath = 200;
    private const int MaxTail = 20_000;
    private static readonly TimeSpan PostTimeout = TimeSpan.FromSeconds(3);

    public Series ToDead { get; } = new("s");

    public Series PostingAfterDeath { get; } = new("s");

    public Series ToExact { get; } = new("s");

    public Series StopToExact { get; } = new("s");

    public Series TailAcknowledged { get; } = new("events");

    public Series Retries { get; } = new("posts");

    public Series Polls { get; } = new("reads");

    public int Tail { get; private set; }

    public string Checked { get; private set; } = "";

    public async Task RunAsync()
    {
        var files = new GeneratedFiles(settings.CompanyDirectory);
        var lines = await File.ReadAllLinesAsync(files.Events);
        Tail = Math.Min(lines.Length / 2, MaxTail);
        var prefix = new GeneratedFiles(Path.Combine(settings.WorkDirectory, "failover-prefix"));
        Directory.CreateDirectory(prefix.Folder);
        File.Copy(files.Directory, prefix.Directory, overwrite: true);
        await File.WriteAllLinesAsync(prefix.Events, lines[..^Tail]);
        var asOf = ExpectedAnswers.Load(files.Expected).Now;

        await using var server = await PostgresServer.StartAsync();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            await RoundAsync(server, round, prefix, lines[..^Tail], lines[^Tail..], asOf);
        }
        Directory.Delete(prefix.Folder, recursive: true);
    }

    private async Task RoundAsync(PostgresServer server, int round, GeneratedFiles prefix, string[] prefixLines, string[] tail, DateTimeOffset asOf)
    {
        var name = $"bench_failover_{round}";
        await server.DropDatabaseAsync(name);
        var connectionString = await server.CreateDatabaseAsync(name);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await PostgresSchema.ApplyAsync(dataSource);
        var cluster = new Dictionary<string, string>
        {
            ["Collaboration__Mode"] = "Cluster",
            ["ConnectionStrings__postgres"] = connectionString,
            ["Orleans__ClusterId"] = name,
            ["Orleans__AdvertisedIP"] = "127.0.0.1",
            // DashboardCheck compares every group as it is.
            ["Analytics__PrivacyFloor"] = "1",
        };
        var silos = new List<(SiloProcess Process, HttpClient Health)>();
        var data = Path.Combine(settings.WorkDirectory, $"failover-{round}");
        try
        {
            for (var i = 0; i < Silos; i++)
            {
                var healthPort = FreePort.Next();
                var silo = await SiloProcess.StartAsync(settings.WorkDirectory,
                    new Dictionary<string, string>(cluster) { ["Health__Port"] = healthPort.ToString() },
                    Path.Combine(settings.WorkDirectory, $"failover-{round}-silo-{i + 1}.log"));
                silos.Add((silo, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}"), Timeout = TimeSpan.FromSeconds(10) }));
            }
            await using var api = await Processes.StartApiAsync(data, cluster);
            await LoadGen.PostAsync(settings.LoadGenAssembly, prefix.Folder, api.BaseAddress!);
            using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            // The first read waits for the read model to fold what was posted; each silo reports the lag gauges of the
            // replicas it hosts.
            var warm = await DashboardReading.ReadAsync(client, asOf);
            if (warm.Errors.Count > 0)
            {
                throw new InvalidOperationException("the dashboards did not answer before the failover: " + string.Join("; ", warm.Errors));
            }
            var host = await HostAsync(silos);

            // As in the failover test: a post stuck on the killed silo is given up after 3 s and sent again, so the api's
            // 10 s grain response timeout (ingestion's recovery) does not delay the end of posting.
            using var posting = new HttpClient { BaseAddress = api.BaseAddress, Timeout = PostTimeout };
            var poster = new SteadyPoster(posting, tail);
            poster.Start(Posters);
            await poster.Reached(Math.Min(1_000, tail.Length / 4));
            var clock = Stopwatch.StartNew();
            host.Process.Kill();
            while (await SiloProcess.StatusAsync(dataSource, host.Process.SiloPort) != SiloProcess.Dead)
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new InvalidOperationException("the killed silo was not declared dead within 2 minutes");
                }
                await Task.Delay(50); // polling another process's table
            }
            var dead = clock.Elapsed;
            // A small company's tail may run out before the death is declared (ingestion outpaces it): then all of it counts.
            await poster.Reached(Math.Min(poster.Acknowledged + AfterDeath, tail.Length));
            var acknowledged = await poster.StopAsync();
            var stopped = clock.Elapsed;

            // The fold of a large company takes seconds: it runs while the dashboards are read, and each reading keeps
            // the moment it arrived, so the time measured is the service's, not the oracle's.
            var fold = Task.Run(() => DashboardCheck.Fold(prefixLines.Concat(acknowledged), prefix.Directory, asOf, data));
            var polls = 0;
            TimeSpan exact;
            while (true)
            {
                polls++;
                var reading = await DashboardReading.ReadAsync(client, asOf);
                var arrived = clock.Elapsed;
                var differences = reading.Errors.Count > 0 ? reading.Errors : (await fold).Differences(reading);
                if (differences.Count == 0)
                {
                    exact = arrived;
                    break;
                }
                Console.WriteLine($"  round {round}: reading {polls}, {(arrived - dead).TotalSeconds:F1} s after the death, not exact: " +
                    string.Join("; ", differences.Take(3)));
                if (clock.Elapsed - dead > TimeSpan.FromMinutes(10))
                {
                    throw new InvalidOperationException("the dashboards were not exact 10 minutes after the death:\n" + string.Join('\n', differences.Take(20)));
                }
                await Task.Delay(100); // polling the service
            }
            ToDead.Add(dead.TotalSeconds);
            ToExact.Add((exact - dead).TotalSeconds);
            StopToExact.Add((exact - stopped).TotalSeconds);
            PostingAfterDeath.Add((stopped - dead).TotalSeconds);
            TailAcknowledged.Add(acknowledged.Count);
            Retries.Add(poster.Retries);
            Polls.Add(polls);
            Checked = (await fold).Describe();
            Console.WriteLine($"  round {round}: declared dead {dead.TotalSeconds:F1} s after the SIGKILL, dashboards exact {(exact - dead).TotalSeconds:F1} s after that " +
                $"(posting stopped {(stopped - dead).TotalSeconds:F1} s after the death)");
        }
        finally
        {
            foreach (var (process, health) in silos)
            {
                health.Dispose();
                await process.DisposeAsync();
            }
            await dataSource.DisposeAsync();
            await server.DropDatabaseAsync(name);
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    /// <summary>
    /// The silo hosting replica 0 of the read model (the one reads ask first), once the replicas run on distinct silos:
    /// each silo's scrape labels the lag gauge with the replicas it hosts.
    /// </summary>
    private static async Task<(SiloProcess Process, HttpClient Health)> HostAsync(IReadOnlyList<(SiloProcess Process, HttpClient Health)> silos)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var hosts = new Dictionary<int, int>();
            for (var i = 0; i < silos.Count; i++)
            {
                foreach (var replica in await SiloScrape.ReplicasAsync(silos[i].Health))
                {
                    hosts[replica] = i;
                }
            }
            if (hosts.TryGetValue(0, out var primary) && hosts.TryGetValue(1, out var standby) && primary != standby)
            {
                return silos[primary];
            }
            if (waited.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new InvalidOperationException($"the read model's replicas are not on distinct silos: {string.Join(", ", hosts)}");
            }
            await Task.Delay(500); // polling other processes' scrapes
        }
    }

    public void Report(Report report)
    {
        report.Section("Read-model failover (benchmark 9)");
        report.Line($"Three cluster-mode silos and the api on a private PostgreSQL, `Analytics:PrivacyFloor=1` (so every group can be compared). The company " +
            $"except its last {Tail:N0} event lines is posted with `loadgen post` (not timed); those lines then flow one event at a time (`POST /v1/events`, " +
            $"{Posters} in flight, each retried every 100 ms until acknowledged, a duplicate answer included; a post unanswered after " +
            $"{PostTimeout.TotalSeconds:N0} s is sent again). The read model runs as two replicas on distinct silos; the silo hosting replica 0 " +
            "(the one reads ask first; its `/metrics` carries `collaboration_read_model_lag_seconds{replica=\"0\"}`) is SIGKILLed; declared dead = its membership row reads Dead (polled every " +
            $"50 ms). {AfterDeath} more events are acknowledged after the death, then posting stops with everything acknowledged, and the dashboards are read " +
            "(participation and ties by country in 28 days, the 28-day funnel, at the company's `now`) until they equal loadgen's fold (`DashboardCheck`) of " +
            $"every acknowledged line; the time counts until that reading arrived (the fold runs alongside). Reads go to replica 1 (the api hedges " +
            $"to it after 500 ms or at once when the call fails); replica 0 comes back on a survivor, where it loads the newest snapshot and folds the tail. Checked: {Checked}. {settings.Rounds} round(s), a fresh database each.");
        report.Table(["measure", "min / median / max", "target"],
        [
            ["SIGKILL to declared dead", ToDead.Spread("F1"), ""],
            ["declared dead to the first exact dashboard answer", ToExact.Spread("F1"), "<= 10 s"],
            ["of which posting after the death", PostingAfterDeath.Spread("F1"), ""],
            ["of which posting stopped to exact", StopToExact.Spread("F1"), ""],
            ["tail events acknowledged", TailAcknowledged.Spread(), ""],
            ["posts retried", Retries.Spread(), ""],
            ["dashboard readings until exact", Polls.Spread(), ""],
        ]);
    }
}
