using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Collaboration.Testing;

namespace Collaboration.Bench;

/// <summary>
/// Issue benchmarks 4 and 6 on one store holding the whole company, restarted twice per round. With analytics on:
/// how long the participation read model takes to replay every user stream. With analytics off (so its model does not
/// blur the memory): resident memory after startup, after reading every user and after reading every idea (each read
/// activates its grain from snapshot plus tail), activation throughput, and first (cold) versus second (warm) reads.
/// </summary>
public sealed class RestartBenchmark(Settings settings)
{
    public const int Concurrency = 16;
    private const int MaxColdSample = 1_000;
    private const string PopularIdea = "i-00001";
    private const double MiB = 1024 * 1024;

    private CompanyStreams company = null!;

    public double PostedRate { get; private set; }

    public Series Startup { get; } = new("s");

    public Series Replay { get; } = new("s");

    public Series ReplayRate { get; } = new("events/s");

    public Series AnalyticsResident { get; } = new("MiB");

    public Series ResidentStarted { get; } = new("MiB");

    public Series ResidentStartedCollected { get; } = new("MiB");

    public Series ResidentUsers { get; } = new("MiB");

    public Series ResidentUsersCollected { get; } = new("MiB");

    public Series ResidentIdeas { get; } = new("MiB");

    public Series ResidentIdeasCollected { get; } = new("MiB");

    public Series PerUser { get; } = new("bytes");

    public Series PerUserCollected { get; } = new("bytes");

    public Series PerIdea { get; } = new("bytes");

    public Series PerIdeaCollected { get; } = new("bytes");

    public Series PerGrain { get; } = new("bytes");

    public Series PerGrainCollected { get; } = new("bytes");

    public Series UserGrainRate { get; } = new("grains/s");

    public Series UserEventRate { get; } = new("events/s");

    public Series IdeaGrainRate { get; } = new("grains/s");

    public Series IdeaEventRate { get; } = new("events/s");

    public Series PopularRead { get; } = new("ms");

    public Series ColdP50 { get; } = new("ms");

    public Series ColdP99 { get; } = new("ms");

    public Series WarmP50 { get; } = new("ms");

    public Series WarmP99 { get; } = new("ms");

    public int ColdSample { get; private set; }

    public async Task RunAsync()
    {
        company = CompanyStreams.Load(settings.CompanyDirectory);
        ColdSample = Math.Min(MaxColdSample, company.Users.Count / 4);
        var data = Path.Combine(settings.WorkDirectory, "store-restart");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
        // Posting is not measured here; analytics off only makes it faster. Activations write nothing, so every
        // round restarts on the same store.
        await using (var service = await StartAsync(data, analytics: false))
        {
            PostedRate = await LoadGen.PostAsync(settings.LoadGenAssembly, settings.CompanyDirectory, service.BaseAddress!);
        }
        for (var round = 1; round <= settings.Rounds; round++)
        {
            Console.WriteLine($"  round {round}: analytics replay caught up {await ReplayAsync(data):F1} s after start");
            var (perUser, coldP99) = await ActivateAsync(data);
            Console.WriteLine($"  round {round}: {perUser:N0} bytes per user grain, cold read p99 {coldP99:F2} ms");
        }
        Directory.Delete(data, recursive: true);
    }

    private async Task<double> ReplayAsync(string data)
    {
        await using var service = await StartAsync(data, analytics: true);
        using var client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        // The read model starts replaying with the silo; its first read answers once it has caught up.
        while (true)
        {
            using var response = await client.GetAsync("/v1/stats/participation?window=all");
            if (response.IsSuccessStatusCode)
            {
                var replay = service.Uptime;
                using var stats = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var users = stats.RootElement.GetProperty("users").GetInt64();
                if (users != company.Users.Count)
                {
                    throw new InvalidOperationException($"the read model counts {users} users, the company has {company.Users.Count}");
                }
                Startup.Add(service.Startup.TotalSeconds);
                Replay.Add(replay.TotalSeconds);
                ReplayRate.Add(company.UserEvents / replay.TotalSeconds);
                AnalyticsResident.Add(service.ResidentBytes / MiB);
                return replay.TotalSeconds;
            }
            if (service.Uptime > TimeSpan.FromMinutes(30))
            {
                throw new InvalidOperationException($"participation still answers {(int)response.StatusCode} after 30 minutes");
            }
            await Task.Delay(100); // polling a replay in another process
        }
    }

    private async Task<(double PerUser, double ColdP99)> ActivateAsync(string data)
    {
        await using var service = await StartAsync(data, analytics: false);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { BaseAddress = service.BaseAddress };
        // Compile the read paths before the first measurement, on ids no stream has (two empty activations).
        await ReadAsync(client, "/v1/users/bench-warm-up", HttpStatusCode.NotFound);
        await ReadAsync(client, "/v1/ideas/bench-warm-up", HttpStatusCode.NotFound);
        var started = await ResidentAsync(service);

        // Cold then warm, one read at a time so that a latency is one activation, not a queue.
        var step = company.Users.Count / ColdSample;
        var sample = Enumerable.Range(0, ColdSample).Select(i => company.Users[i * step]).ToList();
        var cold = new Series("ms");
        var warm = new Series("ms");
        foreach (var read in new[] { cold, warm })
        {
            foreach (var user in sample)
            {
                read.Add(await ReadAsync(client, $"/v1/users/{user.Id}"));
            }
        }
        ColdP50.Add(cold.Percentile(50));
        ColdP99.Add(cold.Percentile(99));
        WarmP50.Add(warm.Percentile(50));
        WarmP99.Add(warm.Percentile(99));

        var sampled = sample.Select(user => user.Id).ToHashSet();
        var users = company.Users.Where(user => !sampled.Contains(user.Id)).ToList();
        var elapsed = await ReadAllAsync(client, users.Select(user => $"/v1/users/{user.Id}").ToList());
        UserGrainRate.Add(users.Count / elapsed);
        UserEventRate.Add(users.Sum(user => user.Events) / elapsed);
        var afterUsers = await ResidentAsync(service);

        PopularRead.Add(await ReadAsync(client, $"/v1/ideas/{PopularIdea}"));
        var ideas = company.Ideas.Where(idea => idea.Id != PopularIdea).ToList();
        elapsed = await ReadAllAsync(client, ideas.Select(idea => $"/v1/ideas/{idea.Id}").ToList());
        IdeaGrainRate.Add(ideas.Count / elapsed);
        IdeaEventRate.Add(ideas.Sum(idea => idea.Events) / elapsed);
        var afterIdeas = await ResidentAsync(service);

        ResidentStarted.Add(started.Bytes / MiB);
        ResidentUsers.Add(afterUsers.Bytes / MiB);
        ResidentIdeas.Add(afterIdeas.Bytes / MiB);
        ResidentStartedCollected.Add(started.Collected / MiB);
        ResidentUsersCollected.Add(afterUsers.Collected / MiB);
        ResidentIdeasCollected.Add(afterIdeas.Collected / MiB);
        var (userGrains, ideaGrains) = (company.Users.Count, company.Ideas.Count);
        PerUser.Add((afterUsers.Bytes - started.Bytes) / (double)userGrains);
        PerIdea.Add((afterIdeas.Bytes - afterUsers.Bytes) / (double)ideaGrains);
        PerGrain.Add((afterIdeas.Bytes - started.Bytes) / (double)(userGrains + ideaGrains));
        PerUserCollected.Add((afterUsers.Collected - started.Collected) / (double)userGrains);
        PerIdeaCollected.Add((afterIdeas.Collected - afterUsers.Collected) / (double)ideaGrains);
        PerGrainCollected.Add((afterIdeas.Collected - started.Collected) / (double)(userGrains + ideaGrains));
        return ((afterUsers.Collected - started.Collected) / (double)userGrains, cold.Percentile(99));
    }

    private Task<ServiceProcess> StartAsync(string data, bool analytics) =>
        Processes.StartApiAsync(data, new Dictionary<string, string> { ["Analytics__Enabled"] = analytics ? "true" : "false" });

    /// <summary>Resident bytes as they are, then after a forced full GC.</summary>
    private static async Task<(long Bytes, long Collected)> ResidentAsync(ServiceProcess service)
    {
        await Task.Delay(TimeSpan.FromSeconds(1)); // let the last answers' work finish before reading the process
        var bytes = service.ResidentBytes;
        await service.CollectGarbageAsync();
        return (bytes, service.ResidentBytes);
    }

    /// <summary>Reads every path, <see cref="Concurrency"/> at a time; returns the seconds it took.</summary>
    private static async Task<double> ReadAllAsync(HttpClient client, IReadOnlyList<string> paths)
    {
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        async Task ReaderAsync()
        {
            for (var i = Interlocked.Increment(ref next); i < paths.Count; i = Interlocked.Increment(ref next))
            {
                await ReadAsync(client, paths[i]);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(ReaderAsync)));
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>One read; returns its latency in milliseconds.</summary>
    private static async Task<double> ReadAsync(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(path);
        await response.Content.ReadAsByteArrayAsync();
        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return response.StatusCode == expected
            ? latency
            : throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}, expected {(int)expected}");
    }

    public void Report(Report report)
    {
        var popular = company.Ideas.FirstOrDefault(idea => idea.Id == PopularIdea)?.Events ?? 0;
        report.Section("Memory per active grain (benchmark 4)");
        report.Line($"The company is posted once into one store (`loadgen post`, {PostedRate:N0} events/s, not a measurement); each round then restarts the api on it with " +
            $"`Analytics:Enabled=false`, so the read model's memory is not in these numbers (it is measured apart below). After startup and two reads of ids that do not exist " +
            $"(compiling the read paths), it reads every user (`GET /v1/users/{{id}}`) and then every idea (`GET /v1/ideas/{{id}}`), activating {company.Users.Count:N0} user and " +
            $"{company.Ideas.Count:N0} idea grains (counted from the answers; Orleans' own system grains come on top). Resident memory is the api's resident set (`VmRSS`), read 1 s after " +
            "each step as it is (the api runs server GC, as deployed, so it also holds garbage not yet collected), then again after a full GC forced over EventPipe as dotnet-gcdump does. " +
            "Per grain = the delta over the grains activated in that step. Each cell is min / median / max over the rounds.");
        report.Table(["measure", "resident", "after a forced full GC", "target"],
        [
            ["after startup", ResidentStarted.Spread(), ResidentStartedCollected.Spread(), ""],
            ["after every user", ResidentUsers.Spread(), ResidentUsersCollected.Spread(), ""],
            ["after every idea", ResidentIdeas.Spread(), ResidentIdeasCollected.Spread(), ""],
            ["per user grain", PerUser.Spread(), PerUserCollected.Spread(), "< 4,096 bytes"],
            [$"per idea grain (`{PopularIdea}` holds {popular:N0} events)", PerIdea.Spread(), PerIdeaCollected.Spread(), ""],
            ["per active grain, users and ideas", PerGrain.Spread(), PerGrainCollected.Spread(), ""],
        ]);
        report.Line($"Analytics on, measured apart: resident once the replay is done (no forced GC) {AnalyticsResident.Spread()}.");
        report.Section("Recovery from the journal (benchmark 6)");
        report.Line($"The same restarts. (a) With analytics on, the participation read model replays every user stream ({company.UserEvents:N0} events: interactions plus one profile " +
            "event per directory row) from the start of the process; `GET /v1/stats/participation` answers once it has caught up, so the replay time is counted from starting the " +
            $"process until that answer (startup included). Activation: the bulk reads above, {Concurrency} in flight, each grain loading its snapshot plus tail; events/s counts the " +
            $"events in those streams (snapshots mean fewer are read). (b) Before the bulk reads, {ColdSample:N0} users spread over the directory are read one at a time (cold: activation), " +
            "then read again in the same order (warm).");
        report.Table(["measure", "min / median / max"],
        [
            ["start to `/health` (analytics on)", Startup.Spread("F1")],
            ["start to a caught-up participation answer", Replay.Spread("F1")],
            ["replay", ReplayRate.Spread()],
            ["user activation", UserGrainRate.Spread()],
            ["user activation, stream events", UserEventRate.Spread()],
            ["idea activation", IdeaGrainRate.Spread()],
            ["idea activation, stream events", IdeaEventRate.Spread()],
            [$"first read of `{PopularIdea}` ({popular:N0} events)", PopularRead.Spread("F1")],
            ["cold user read p50", ColdP50.Spread("F2")],
            ["cold user read p99", ColdP99.Spread("F2")],
            ["warm user read p50", WarmP50.Spread("F2")],
            ["warm user read p99", WarmP99.Spread("F2")],
        ]);
    }
}
