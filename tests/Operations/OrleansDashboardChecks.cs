using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Collaboration.Tests.Support;

namespace Collaboration.Tests.Operations;

/// <summary>What the Orleans dashboard under /ops/orleans must do in either mode, once keys exist.</summary>
internal static class OrleansDashboardChecks
{
    public const string Page = "/ops/orleans/";

    /// <summary>Everything of the dashboard is refused without a key (401) and to a key without admin (403).</summary>
    public static async Task RefusesAllButAdminAsync(HttpClient client, string reader)
    {
        foreach (var path in new[] { "/ops/orleans", Page, Page + "index.min.js", Page + "DashboardCounters", Page + "ClusterStats", Page + "Trace" })
        {
            using var anonymous = await SendAsync(client, path, null);
            Assert.True(HttpStatusCode.Unauthorized == anonymous.StatusCode, $"{path} without a key: {(int)anonymous.StatusCode}");
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
            // A browser prompts for credentials only when Basic is offered.
            Assert.Contains(anonymous.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Basic");

            using var forbidden = await SendAsync(client, path, Bearer(reader));
            Assert.True(HttpStatusCode.Forbidden == forbidden.StatusCode, $"{path} with stats:read: {(int)forbidden.StatusCode}");
            var problem = await forbidden.ReadNodeAsync();
            Assert.Equal("this key lacks the scope 'admin'", problem["errors"]!["Authorization"]![0]!.GetValue<string>());

            using var readerAsPassword = await SendAsync(client, path, Basic(reader));
            Assert.Equal(HttpStatusCode.Forbidden, readerAsPassword.StatusCode);
        }
    }

    /// <summary>The page itself, for a bearer or for a browser that sends the key as a Basic password.</summary>
    public static async Task ServesThePageAsync(HttpClient client, string admin)
    {
        foreach (var credentials in new[] { Bearer(admin), Basic(admin) })
        {
            using var page = await SendAsync(client, Page, credentials);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("index.min.js", await page.Content.ReadAsStringAsync());
        }
        // Without the slash the page's relative links would miss, so it redirects (and the redirect is guarded too).
        using var bare = await SendAsync(client, "/ops/orleans", Bearer(admin));
        Assert.Equal(HttpStatusCode.MovedPermanently, bare.StatusCode);
        Assert.EndsWith(Page, bare.Headers.Location!.ToString());
    }

    /// <summary>
    /// The silo list of the dashboard's data endpoint, once it shows <paramref name="silos"/> active silos (the
    /// dashboard grain samples the cluster every second, so the first answers may come before it has).
    /// </summary>
    public static async Task<JsonArray> ActiveSilosAsync(HttpClient client, string admin, int silos)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await SendAsync(client, Page + "DashboardCounters", Bearer(admin));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var counters = await response.ReadNodeAsync();
            var active = new JsonArray(counters["hosts"]!.AsArray().Where(host => host!["status"]!.GetValue<string>() == "Active")
                .Select(host => host!.DeepClone()).ToArray());
            if (active.Count == silos || DateTime.UtcNow > deadline)
            {
                Assert.Equal(silos, active.Count);
                Assert.Equal(silos, counters["totalActiveHostCount"]!.GetValue<int>());
                return active;
            }
            await Task.Delay(200);
        }
    }

    /// <summary>A client of the same server that shows redirects instead of following them (and dropping the key).</summary>
    public static HttpClient WithoutRedirects(HttpClient client) =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = client.BaseAddress };

    public static AuthenticationHeaderValue Bearer(string key) => new("Bearer", key);

    public static AuthenticationHeaderValue Basic(string key) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:" + key)));

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, AuthenticationHeaderValue? credentials)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = credentials;
        // The trace endpoint streams for an hour: the status line and headers are all a check needs.
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
