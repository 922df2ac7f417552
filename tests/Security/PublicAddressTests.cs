using System.Net;
using System.Net.Http.Headers;
using Collaboration.Tests.Support;

namespace Collaboration.Tests.Security;

/// <summary>The real api process on all interfaces: refused without a key, served with one made by its own command.</summary>
public sealed class PublicAddressTests
{
    [Fact]
    public async Task Without_a_key_the_api_refuses_to_listen_on_all_interfaces_and_with_one_it_starts_and_requires_it()
    {
        using var directory = new TempDirectory();
        var environment = new Dictionary<string, string>
        {
            ["COLLAB_DATA_DIR"] = directory.Path,
            ["Orleans__SiloPort"] = FreePort.Next().ToString(),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(),
        };

        using (var refused = ServiceProcess.StartApi(directory.Path, environment, host: "0.0.0.0"))
        {
            Assert.Equal(2, await refused.WaitForExitAsync());
            Assert.Contains("Refusing to start: no API key exists and the service listens on http://0.0.0.0:", refused.Output, StringComparison.Ordinal);
        }
        var (exit, key, all) = await ServiceProcess.RunApiCommandAsync(directory.Path, environment, "keys", "create", "crm", "--scopes", "events:write");
        Assert.True(exit == 0, all);
        using var api = await ServiceProcess.StartApiAsync(directory.Path, environment, host: "0.0.0.0");
        using var client = new HttpClient { BaseAddress = api.BaseAddress };

        using var withoutKey = await client.PostAsync("/v1/events", Json(GuardedEndpoint.EventJson("e-public-1", "u-public")));
        using var withKey = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = Json(GuardedEndpoint.EventJson("e-public-2", "u-public")) };
        withKey.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Trim());
        using var accepted = await client.SendAsync(withKey);

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Contains("API keys are required", api.Output, StringComparison.Ordinal);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
