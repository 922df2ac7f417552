using System.Diagnostics;
using Collaboration.Reads;
using Collaboration.Tests.Support;
using Collaboration.Users;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Xunit.Abstractions;

namespace Collaboration.Tests.Cluster;

/// <summary>
/// Scaling out: a silo that joins a cluster already holding thousands of activations takes a fair share of them
/// (not only of new ones), moved by Orleans' activation rebalancer. Real silos on PostgreSQL, in this process.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RebalancingTests(ITestOutputHelper output)
{
    private const int Users = 3000;

    [Fact]
    public async Task A_third_silo_joining_two_busy_ones_comes_to_host_a_quarter_of_the_user_grains()
    {
        var settings = new Dictionary<string, string>
        {
            ["Collaboration:Mode"] = "Cluster",
            ["ConnectionStrings:postgres"] = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync(),
            ["Orleans:ClusterId"] = "test-" + Guid.NewGuid().ToString("N"),
            ["Orleans:AdvertisedIP"] = "127.0.0.1",
            ["Analytics:Enabled"] = "false",
            // Short cycles so the test is quick; production keeps Orleans' defaults (first session after 60 s, 15 s cycles).
            ["Orleans:Rebalancer:RebalancerDueTime"] = "00:00:05",
            ["Orleans:Rebalancer:SessionCyclePeriod"] = "00:00:03",
            ["Orleans:Rebalancer:CycleNumberWeight"] = "1",
        };
        // Idle grains would otherwise be collected during the test; these must stay active for it to count them.
        static void KeepGrains(ISiloBuilder silo) => silo.Configure<GrainCollectionOptions>(options => options.CollectionAge = TimeSpan.FromHours(1));
        var silos = new List<ClusterSilo>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                silos.Add(await ClusterSilo.StartAsync(settings, KeepGrains));
            }
            var grains = silos[0].Services.GetRequiredService<IGrainFactory>();
            var prefix = Make.Id("r");
            // Half are activated from each silo: right after the second joined, placement from one silo sometimes kept
            // all 3,000 there (seen 2 runs in 3 this session, cause not found), and this test is about the rebalancer.
            var factories = silos.Select(silo => silo.Services.GetRequiredService<IGrainFactory>()).ToArray();
            await Parallel.ForEachAsync(Enumerable.Range(0, Users), new ParallelOptions { MaxDegreeOfParallelism = 16 },
                async (i, _) => await factories[i % factories.Length].GetGrain<IUserGrain>($"{prefix}-{i}").GetAsync(ReadWindow.Days28, Make.Noon));
            var before = await UserGrainsPerSiloAsync(grains);
            Assert.Equal(2, before.Count);
            Assert.True(before.Values.Sum() >= Users, $"activated {before.Values.Sum()} user grains");

            var joining = Stopwatch.StartNew();
            var third = await ClusterSilo.StartAsync(settings, KeepGrains);
            silos.Add(third);
            var thirdAddress = third.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
            var deadline = DateTime.UtcNow.AddMinutes(3);
            Dictionary<SiloAddress, int> now;
            while (true)
            {
                now = await UserGrainsPerSiloAsync(grains);
                if (now.GetValueOrDefault(thirdAddress) * 4 >= now.Values.Sum() || DateTime.UtcNow > deadline)
                {
                    break;
                }
                await Task.Delay(1000);
            }
            output.WriteLine($"before: {string.Join(", ", before.Values)}; after {joining.Elapsed.TotalSeconds:F0} s: " +
                string.Join(", ", now.Select(pair => $"{pair.Key}={pair.Value}")));

            Assert.True(now.GetValueOrDefault(thirdAddress) * 4 >= now.Values.Sum(),
                $"the third silo holds {now.GetValueOrDefault(thirdAddress)} of {now.Values.Sum()} user grains");
            Assert.True(now.Values.Sum() >= Users * 9 / 10, $"user grains were lost, not moved: {now.Values.Sum()}");
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task<Dictionary<SiloAddress, int>> UserGrainsPerSiloAsync(IGrainFactory grains)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains(nameof(UserGrain), StringComparison.Ordinal))
            .GroupBy(s => s.SiloAddress)
            .ToDictionary(group => group.Key, group => group.Sum(s => s.ActivationCount));
    }
}
