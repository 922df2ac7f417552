using Collaboration.Security;
using Collaboration.Tests.Security;
using Collaboration.Tests.Support;
using static Collaboration.Tests.Operations.OrleansDashboardChecks;

namespace Collaboration.Tests.Operations;

/// <summary>Cluster mode: the api, a gateway client, serves the dashboard of the silos behind it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterOrleansDashboardTests
{
    [Fact]
    public async Task Only_an_admin_key_opens_the_dashboard_and_its_data_lists_both_silos()
    {
        await using var cluster = new ClusterApiFactory();
        await ((IAsyncLifetime)cluster).InitializeAsync();
        try
        {
            var cli = new Dictionary<string, string>(cluster.ClusterSettings);
            var reader = await KeysCli.CreateAsync(cli, "dashboard", ApiKeyScopes.StatsRead);
            var admin = await KeysCli.CreateAsync(cli, "ops", ApiKeyScopes.Admin);
            var client = WithoutRedirects(cluster.CreateClient());
            // The api caches "no key exists" for ApiKeys:CacheFor; wait until it asks for keys.
            await KeylessModeTests.PollAsync(client, null, System.Net.HttpStatusCode.Unauthorized);

            await RefusesAllButAdminAsync(client, reader);
            await ServesThePageAsync(client, admin);
            var silos = await ActiveSilosAsync(client, admin, 2);

            Assert.Equal(2, silos.Select(silo => silo!["siloAddress"]!.GetValue<string>()).Distinct().Count());
        }
        finally
        {
            await ((IAsyncLifetime)cluster).DisposeAsync();
        }
    }
}
