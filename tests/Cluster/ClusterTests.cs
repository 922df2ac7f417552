using System.Net;
using Collaboration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Cluster;

/// <summary>Two PostgreSQL-backed silos and the api as their gateway client, in one process.</summary>
[Collection(ClusterCollection.Name)]
public class ClusterTests(ClusterApiFactory factory) : IClassFixture<ClusterApiFactory>
{
    [Fact]
    public async Task Grains_stay_readable_and_writable_after_a_silo_leaves_gracefully()
    {
        var client = factory.CreateClient();
        var idea = Make.Id("i");
        var users = Enumerable.Range(0, 40).Select(_ => Make.Id("u")).ToArray();
        foreach (var user in users)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/v1/events", Make.Json(Make.Event(Follow, user, idea, Make.Noon)))).StatusCode);
        }

        // Grains were spread over both silos; stopping one hands its grains over through the journal.
        await factory.Silos[0].StopAsync();

        foreach (var user in users)
        {
            var view = await client.GetNodeAsync($"/v1/users/{user}?window=all");
            Assert.Equal(1, view["following"]!.GetValue<int>());
        }
        var late = Make.Id("u");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/v1/events", Make.Json(Make.Event(Follow, late, idea, Make.Noon)))).StatusCode);
        Assert.Equal(users.Length + 1, (await client.GetNodeAsync($"/v1/ideas/{idea}"))["followers"]!.GetValue<int>());
    }

    [Fact]
    public async Task Plain_grain_state_goes_through_the_AdoNet_storage_with_optimistic_concurrency()
    {
        var storage = factory.Silos[^1].Services.GetRequiredKeyedService<IGrainStorage>("Default");
        var grainId = GrainId.Create("test", Guid.NewGuid().ToString("N"));
        var state = new GrainState<Probe>(new Probe { Value = "first" });

        await storage.WriteStateAsync("Probe", grainId, state);
        var stale = new GrainState<Probe>(new Probe { Value = "stale" }) { ETag = state.ETag };
        state.State!.Value = "second";
        await storage.WriteStateAsync("Probe", grainId, state);
        var read = new GrainState<Probe>();
        await storage.ReadStateAsync("Probe", grainId, read);

        Assert.Equal(("second", true), (read.State!.Value, read.RecordExists));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("Probe", grainId, stale));
        await storage.ClearStateAsync("Probe", grainId, read);
        var cleared = new GrainState<Probe>();
        await storage.ReadStateAsync("Probe", grainId, cleared);
        Assert.Null(cleared.State?.Value);
    }

    [GenerateSerializer]
    public sealed class Probe
    {
        [Id(0)]
        public string? Value { get; set; }
    }
}
