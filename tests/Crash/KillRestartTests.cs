using System.Collections.Concurrent;
using Collaboration.Tests.Support;
using Xunit.Abstractions;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Crash;

public class KillRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task After_SIGKILL_and_restart_every_acknowledged_event_is_kept_and_retries_count_once()
    {
        using var directory = new TempDirectory();
        var idea = Make.Id("i");
        var events = Enumerable.Range(0, 600).Select(n => Make.Json(Make.Event(Like, $"fan-{n:D4}", idea, Make.Noon))).ToArray();
        var acknowledged = new ConcurrentBag<int>();
        var enoughAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        using (var first = await ServiceProcess.StartApiAsync(directory.Path, Embedded(directory.Path)))
        {
            using var client = new HttpClient { BaseAddress = first.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            var queue = new ConcurrentQueue<int>(Enumerable.Range(0, events.Length));
            var senders = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (queue.TryDequeue(out var n))
                {
                    try
                    {
                        using var response = await client.PostJsonAsync("/v1/events", events[n]);
                        if (response.IsSuccessStatusCode)
                        {
                            acknowledged.Add(n);
                            if (acknowledged.Count >= 200)
                            {
                                enoughAcknowledged.TrySetResult();
                            }
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        // The process is gone; this event stays unacknowledged.
                    }
                }
            })).ToArray();

            await enoughAcknowledged.Task.WaitAsync(TimeSpan.FromMinutes(2));
            first.Kill();
            await Task.WhenAll(senders);
        }
        Assert.InRange(acknowledged.Count, 200, events.Length);

        using var second = await ServiceProcess.StartApiAsync(directory.Path, Embedded(directory.Path));
        using var reader = new HttpClient { BaseAddress = second.BaseAddress };
        foreach (var n in acknowledged)
        {
            var user = await reader.GetNodeAsync($"/v1/users/{events[n]["userId"]}?window=all");
            Assert.Equal(1, user["totals"]!["like"]!.GetValue<int>());
        }
        Assert.True((await reader.GetNodeAsync($"/v1/ideas/{idea}"))["counts"]!["like"]!.GetValue<int>() >= acknowledged.Count);

        // The client retries everything it sent; each event must end with exactly one effect.
        foreach (var json in events)
        {
            using var response = await reader.PostJsonAsync("/v1/events", json);
            Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        var final = await reader.GetNodeAsync($"/v1/ideas/{idea}");
        Assert.Equal(events.Length, final["counts"]!["like"]!.GetValue<int>());
        Assert.Equal(events.Length, final["participants"]!["editors"]!.GetValue<int>());
        var sample = await reader.GetNodeAsync($"/v1/users/{events[^1]["userId"]}?window=all");
        Assert.Equal(1, sample["totals"]!["like"]!.GetValue<int>());
        output.WriteLine($"fault test: embedded api SIGKILLed after {acknowledged.Count} of {events.Length} events were acknowledged; all were kept and the full retry counted each once");
    }

    private static Dictionary<string, string> Embedded(string dataDirectory) => new()
    {
        ["COLLAB_DATA_DIR"] = dataDirectory,
        ["Orleans__SiloPort"] = FreePort.Next().ToString(),
        ["Orleans__GatewayPort"] = FreePort.Next().ToString(),
    };
}
