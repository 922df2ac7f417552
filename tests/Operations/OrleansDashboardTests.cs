using System.Net;
using Collaboration.Security;
using Collaboration.Tests.Support;
using static Collaboration.Tests.Operations.OrleansDashboardChecks;

namespace Collaboration.Tests.Operations;

/// <summary>The Orleans dashboard of the embedded service: admin keys only once keys exist, loopback before.</summary>
public sealed class OrleansDashboardTests
{
    [Fact]
    public async Task With_keys_only_an_admin_key_opens_the_dashboard_and_its_data_lists_the_silo()
    {
        await using var factory = ApiFactory.With(new Dictionary<string, string> { ["ApiKeys:CacheFor"] = "00:00:00" });
        var cli = new Dictionary<string, string> { ["COLLAB_DATA_DIR"] = factory.DataDirectory };
        var reader = await KeysCli.CreateAsync(cli, "dashboard", ApiKeyScopes.StatsRead);
        var admin = await KeysCli.CreateAsync(cli, "ops", ApiKeyScopes.Admin);
        var client = WithoutRedirects(factory.CreateClient());

        await RefusesAllButAdminAsync(client, reader);
        await ServesThePageAsync(client, admin);
        var silos = await ActiveSilosAsync(client, admin, 1);

        Assert.NotEmpty(silos[0]!["siloAddress"]!.GetValue<string>());
    }

    [Fact]
    public async Task Keyless_the_dashboard_answers_a_loopback_client()
    {
        await using var factory = new ApiFactory();
        var client = WithoutRedirects(factory.CreateClient());

        using var page = await SendAsync(client, Page, null);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }
}
