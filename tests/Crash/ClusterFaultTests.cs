using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Collaboration.Events;
using Collaboration.Folds;
using Collaboration.Tests.Support;
using Npgsql;
using Xunit.Abstractions;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Crash;

/// <summary>
/// Real processes on a real PostgreSQL: three silos and the api; a client posts a stream of events and retries
/// anything not acknowledged while one silo is SIGKILLed, another is added, and PostgreSQL restarts. At the end every
/// acknowledged event is stored exactly once and the grain states equal a fold the test computes on its own.
/// </summary>
[Collection(ClusterCollection.Name)]
public class ClusterFaultTests(ITestOutputHelper output)
{
    private const int EventCount = 2400;

    [Fact]
    public async Task Losing_a_silo_adding_one_and_restarting_PostgreSQL_keeps_every_acknowledged_event_exactly_once()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync();
        using var work = new TempDirectory();
        var cluster = ClusterEnvironment(connectionString);
        using (var migrate = ServiceProcess.StartSilo(work.Path, cluster, "migrate"))
        {
            Assert.Equal(0, await migrate.WaitForExitAsync());
        }
        var silos = new List<SiloProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                silos.Add(await SiloProcess.StartAsync(work.Path, cluster));
            }
            using var api = await ServiceProcess.StartApiAsync(work.Path, cluster);
            using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            var events = Workload();
            var stream = new PostedStream(client, events);

            // Faults are triggered by progress, not by the clock, so they always land mid-stream.
            var faults = Task.Run(async () =>
            {
                await stream.Acknowledged(EventCount / 4);
                silos[0].Kill();
                await stream.Acknowledged(EventCount / 2);
                var added = await SiloProcess.StartAsync(work.Path, cluster);
                lock (silos)
                {
                    silos.Add(added);
                }
                await stream.Acknowledged(EventCount * 3 / 4);
                await postgres.StopServerAsync();
                await postgres.StartServerAsync();
            });
            try
            {
                await stream.RunAsync(workers: 6);
            }
            finally
            {
                // Whatever happened to the stream, the fault sequence ends before the processes are cleaned up.
                await faults.WaitAsync(TimeSpan.FromMinutes(3));
            }

            var lost = await CountLostAsync(connectionString, events);
            var (doubled, mismatches) = await CompareStatesAsync(client, events);
            output.WriteLine($"fault test: sent {EventCount}, acknowledged {stream.AcknowledgedCount}, retried {stream.Retries}, " +
                $"lost {lost}, double-counted {doubled}, other state mismatches {mismatches}, unavailable {stream.UnavailableSeconds:F1} s " +
                $"(time in which some event failed or waited over 1 s; the longest wait for one acknowledgement was {stream.LongestWait.TotalSeconds:F1} s)");
            Assert.Equal(EventCount, stream.AcknowledgedCount);
            Assert.Equal(0, lost);
            Assert.Equal(0, doubled);
            Assert.Equal(0, mismatches);
        }
        finally
        {
            silos.ForEach(silo => silo.Dispose());
        }
    }

    [Fact]
    public async Task A_silo_stopped_with_SIGTERM_hands_its_grains_over_without_a_failed_request()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        using var work = new TempDirectory();
        var cluster = ClusterEnvironment(connectionString);
        using var first = await SiloProcess.StartAsync(work.Path, cluster);
        using var second = await SiloProcess.StartAsync(work.Path, cluster);
        using var api = await ServiceProcess.StartApiAsync(work.Path, cluster);
        using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        // Twenty ideas, so that some of their grains surely live on the silo that is drained.
        var ideas = Enumerable.Range(0, 20).Select(_ => Make.Id("i")).ToArray();
        var sent = 0;
        var failures = new ConcurrentBag<string>();
        var progress = new ConcurrentDictionary<int, TaskCompletionSource>();
        var stop = new CancellationTokenSource();

        Task Posted(int count) => progress.GetOrAdd(count, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        async Task PostUntilStopped()
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref sent);
                var follow = Make.Event(Follow, $"fan-{n}", ideas[n % ideas.Length], Make.Noon);
                using var response = await client.PostAsJsonAsync("/v1/events", Make.Json(follow));
                if (!response.IsSuccessStatusCode)
                {
                    failures.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                if (progress.TryGetValue(n, out var reached))
                {
                    reached.TrySetResult();
                }
            }
        }

        // Requests are in flight before, during and after the drain: the stop is triggered by progress, not time.
        var before = Posted(200);
        var posting = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(PostUntilStopped)));
        await before.WaitAsync(TimeSpan.FromMinutes(2));
        var atSigterm = Volatile.Read(ref sent);
        await first.Process.TerminateAsync();
        var atExit = Volatile.Read(ref sent);
        await Posted(atExit + 200).WaitAsync(TimeSpan.FromMinutes(2));
        stop.Cancel();
        await posting;

        Assert.Empty(failures);
        var followers = 0;
        foreach (var idea in ideas)
        {
            followers += (await client.GetNodeAsync($"/v1/ideas/{idea}"))["followers"]!.GetValue<int>();
        }
        Assert.Equal(sent, followers);
        output.WriteLine($"fault test: SIGTERM after {atSigterm} events, silo gone after {atExit}, {sent} posted in all, {failures.Count} failed");
    }

    /// <summary>The environment of every process of one cluster (a cluster id of its own on the shared server).</summary>
    private static Dictionary<string, string> ClusterEnvironment(string connectionString) => new()
    {
        ["Collaboration__Mode"] = "Cluster",
        ["ConnectionStrings__postgres"] = connectionString,
        ["Orleans__ClusterId"] = "test-" + Guid.NewGuid().ToString("N"),
        ["Orleans__AdvertisedIP"] = "127.0.0.1",
    };

    /// <summary>Creates, contributions, views and follow decisions on 20 ideas by 200 users, dated out of order.</summary>
    private static Interaction[] Workload()
    {
        var random = new Random(3);
        var run = Guid.NewGuid().ToString("N")[..8];
        var ideas = Enumerable.Range(0, 20).Select(n => $"idea-{run}-{n}").ToArray();
        var types = new[] { Comment, Like, Edit, Share, View, View, Follow, Follow, Unfollow, Create };
        return Enumerable.Range(0, EventCount).Select(n =>
        {
            var idea = random.Next(ideas.Length);
            var type = n < ideas.Length ? Create : types[random.Next(types.Length)];
            var onThread = type is not (Follow or Unfollow) && n >= ideas.Length && random.Next(4) == 0;
            return Make.Event(type, $"user-{run}-{random.Next(200)}", ideas[n < ideas.Length ? n : idea],
                Make.Noon.AddMinutes(-random.Next(60 * 24 * 30)), threadId: onThread ? $"thread-{run}-{idea}" : null,
                eventId: $"{run}-{n}", title: type == Create ? $"idea {n}" : null);
        }).ToArray();
    }

    /// <summary>Events missing from the store, or stored without the user, idea or thread they belong to, read straight from it.</summary>
    private static async Task<int> CountLostAsync(string connectionString, Interaction[] events)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var rows = new HashSet<(string, string, string?, string?)>();
        await using var select = dataSource.CreateCommand("SELECT event_id, user_id, idea_id, thread_id FROM events");
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }
        return events.Count(e => !rows.Contains((e.EventId, e.UserId, e.IdeaId, e.ThreadId)));
    }

    /// <summary>
    /// A read as a client following the documented contract makes it: a 503 (storage briefly unavailable, e.g. pooled
    /// connections found broken one by one after the PostgreSQL restart) is retried after its Retry-After, five times.
    /// </summary>
    private static async Task<JsonNode> ReadAsync(HttpClient client, string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await client.GetAsync(path);
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 5)
            {
                response.EnsureSuccessStatusCode();
                return await response.ReadNodeAsync();
            }
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// Compares the service's reads with counts and follower sets folded here, independently of its code. Returns
    /// how much the service counts beyond the fold (double counting) and how many other values differ.
    /// </summary>
    private static async Task<(long Doubled, int Mismatches)> CompareStatesAsync(HttpClient client, Interaction[] events)
    {
        long doubled = 0;
        var mismatches = 0;
        void Compare(long expected, long actual)
        {
            doubled += Math.Max(0, actual - expected);
            mismatches += actual < expected ? 1 : 0;
        }
        async Task CompareCounts(string path, string field, IEnumerable<Interaction> expected)
        {
            var view = await ReadAsync(client, path);
            foreach (var type in Enum.GetValues<InteractionType>())
            {
                Compare(expected.Count(e => e.Type == type), view[field]![type.ToWireName()]!.GetValue<long>());
            }
        }
        foreach (var idea in events.GroupBy(e => e.IdeaId))
        {
            await CompareCounts($"/v1/ideas/{idea.Key}", "counts", idea);
            var followers = idea.Where(e => e.ThreadId is null && e.Type is Follow or Unfollow or Create)
                .GroupBy(e => e.UserId)
                .Count(decisions => decisions.MaxBy(e => (e.OccurredAt, e.EventId), FollowOrder.Instance)!.Type != Unfollow);
            var actual = (await ReadAsync(client, $"/v1/ideas/{idea.Key}"))["followers"]!.GetValue<int>();
            mismatches += actual == followers ? 0 : 1;
        }
        foreach (var thread in events.Where(e => e.ThreadId is not null).GroupBy(e => e.ThreadId!))
        {
            await CompareCounts($"/v1/threads/{thread.Key}", "counts", thread);
        }
        foreach (var user in events.GroupBy(e => e.UserId))
        {
            await CompareCounts($"/v1/users/{user.Key}?window=all", "totals", user);
        }
        return (doubled, mismatches);
    }

    /// <summary>Later occurredAt wins; at the same instant the larger event id (ordinal) wins.</summary>
    private sealed class FollowOrder : IComparer<(DateTimeOffset At, string EventId)>
    {
        public static readonly FollowOrder Instance = new();

        public int Compare((DateTimeOffset At, string EventId) x, (DateTimeOffset At, string EventId) y) =>
            x.At != y.At ? x.At.CompareTo(y.At) : string.CompareOrdinal(x.EventId, y.EventId);
    }

    /// <summary>A client posting each event until it is acknowledged, counting retries and time without service.</summary>
    private sealed class PostedStream(HttpClient client, Interaction[] events)
    {
        private readonly ConcurrentQueue<Interaction> queue = new(events);
        private readonly ConcurrentBag<(DateTime From, DateTime To)> outages = [];
        private readonly ConcurrentDictionary<int, TaskCompletionSource> milestones = new();
        private int acknowledged;
        private int retries;

        public int AcknowledgedCount => acknowledged;

        public int Retries => retries;

        /// <summary>Seconds during which some event was failing or waiting over 1 s for its acknowledgement (union).</summary>
        public double UnavailableSeconds
        {
            get
            {
                var total = TimeSpan.Zero;
                var end = DateTime.MinValue;
                foreach (var (from, to) in outages.OrderBy(o => o.From))
                {
                    var start = from > end ? from : end;
                    if (to > start)
                    {
                        total += to - start;
                        end = to;
                    }
                }
                return total.TotalSeconds;
            }
        }

        /// <summary>The longest any single event took from its first attempt to its acknowledgement.</summary>
        public TimeSpan LongestWait { get; private set; }

        public Task Acknowledged(int count)
        {
            var reached = milestones.GetOrAdd(count, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (Volatile.Read(ref acknowledged) >= count)
            {
                reached.TrySetResult();
            }
            return reached.Task;
        }

        public Task RunAsync(int workers) => Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync)));

        private async Task WorkAsync()
        {
            while (queue.TryDequeue(out var next))
            {
                var deadline = Stopwatch.StartNew();
                DateTime? failingSince = null;
                while (true)
                {
                    if (await TryPostAsync(next))
                    {
                        break;
                    }
                    failingSince ??= DateTime.UtcNow;
                    Interlocked.Increment(ref retries);
                    Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(3), $"event {next.EventId} was never acknowledged");
                    // Back off before retrying, as a well-behaved app would.
                    await Task.Delay(250);
                }
                if (failingSince is not null || deadline.Elapsed > TimeSpan.FromSeconds(1))
                {
                    outages.Add((DateTime.UtcNow - deadline.Elapsed, DateTime.UtcNow));
                }
                lock (outages)
                {
                    LongestWait = deadline.Elapsed > LongestWait ? deadline.Elapsed : LongestWait;
                }
                var count = Interlocked.Increment(ref acknowledged);
                foreach (var (milestone, reached) in milestones)
                {
                    if (count >= milestone)
                    {
                        reached.TrySetResult();
                    }
                }
            }
        }

        private async Task<bool> TryPostAsync(Interaction interaction)
        {
            try
            {
                using var response = await client.PostAsJsonAsync("/v1/events", Make.Json(interaction));
                return response.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }
    }
}
