using System.Net;
using System.Net.Http.Headers;
using Collaboration.Api.Security;
using Collaboration.Security;
using Collaboration.Tests.Support;

namespace Collaboration.Tests.Security;

/// <summary>
/// Without an active key the service serves loopback clients only; the first key switches it to keys on every
/// request while it runs, and revoking the last one switches it back. (The rest of the suite runs keyless.)
/// </summary>
public sealed class KeylessModeTests
{
    [Theory]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.0.0.2:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://unix:/tmp/collab.sock", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://10.1.2.3:5080", false)]
    [InlineData("http://collab.example:5080", false)]
    public void Only_loopback_addresses_and_sockets_count_as_this_machine(string address, bool loopback) =>
        Assert.Equal(loopback, KeylessModeGuard.IsLoopback(address));

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)] // loopback through a dual-stack socket
    [InlineData("::ffff:10.0.0.7", false)]
    [InlineData("10.0.0.7", false)]
    [InlineData("192.168.1.20", false)]
    public void A_keyless_request_is_served_only_from_a_loopback_address(string remote, bool served) =>
        Assert.Equal(served, ApiKeyAuthenticationHandler.IsLoopback(IPAddress.Parse(remote)));

    [Fact]
    public async Task The_first_key_requires_keys_while_the_service_runs_and_revoking_the_last_one_returns_to_keyless()
    {
        await using var factory = ApiFactory.With(new Dictionary<string, string> { ["ApiKeys:CacheFor"] = "00:00:00.200" });
        var client = factory.CreateClient();
        var cli = new Dictionary<string, string> { ["COLLAB_DATA_DIR"] = factory.DataDirectory };

        var keyless = await StatusAsync(client, null);
        var key = await KeysCli.CreateAsync(cli, "dashboard", ApiKeyScopes.StatsRead);
        await PollAsync(client, null, HttpStatusCode.Unauthorized);
        var withKey = await StatusAsync(client, key);
        Assert.Equal(0, (await KeysCli.RunAsync(cli, "revoke", KeysCli.IdOf(key))).Exit);
        await PollAsync(client, key, HttpStatusCode.Unauthorized);
        await PollAsync(client, null, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, keyless);
        Assert.Equal(HttpStatusCode.OK, withKey);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/stats/ties");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Asks until the answer is <paramref name="expected"/>: the replica's cache lets a change through within its time.</summary>
    internal static async Task PollAsync(HttpClient client, string? key, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode last;
        while ((last = await StatusAsync(client, key)) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Equal(expected, last);
    }
}
