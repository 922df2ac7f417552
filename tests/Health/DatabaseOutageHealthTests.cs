using System.Net;
using Collaboration.Tests.Support;
using Npgsql;

namespace Collaboration.Tests.Health;

/// <summary>Real processes: PostgreSQL, one silo with its health listener, the api as a gateway client.</summary>
public sealed class DatabaseOutageHealthTests
{
    [Fact]
    public async Task Ready_fails_while_PostgreSQL_is_stopped_and_recovers_after_it_restarts_while_live_stays_true_on_api_and_silo()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync();
        using var work = new TempDirectory();
        var cluster = new Dictionary<string, string>
        {
            ["Collaboration__Mode"] = "Cluster",
            ["ConnectionStrings__postgres"] = connectionString,
            ["Orleans__ClusterId"] = "test-" + Guid.NewGuid().ToString("N"),
            ["Orleans__AdvertisedIP"] = "127.0.0.1",
            ["Health__MaxReadModelLag"] = "00:00:02",
        };
        var healthPort = FreePort.Next();
        using var silo = ServiceProcess.StartSilo(work.Path, new Dictionary<string, string>(cluster)
        {
            ["Orleans__SiloPort"] = FreePort.Next().ToString(),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(),
            ["Health__Port"] = healthPort.ToString(),
        });
        using var siloClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}"), Timeout = TimeSpan.FromSeconds(5) };
        await silo.WaitUntilAsync(() => IsAsync(siloClient, "/health/ready", HttpStatusCode.OK), "be ready");
        using var api = await ServiceProcess.StartApiAsync(work.Path, cluster);
        using var apiClient = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        await postgres.StopServerAsync();
        try
        {
            await WhileStoppedAsync(api, apiClient, siloClient);
        }
        finally
        {
            await postgres.StartServerAsync();
        }
        await api.WaitUntilAsync(async () =>
        {
            await AssertLiveAsync(apiClient, siloClient);
            return await IsAsync(apiClient, "/health/ready", HttpStatusCode.OK) && await IsAsync(siloClient, "/health/ready", HttpStatusCode.OK);
        }, "report ready again after PostgreSQL restarted");

        // The silo's own scrape on its health port: anonymous, its Orleans meters, and the read model's lag (the api's
        // readiness just passed its read-model check, so the one silo hosts the read model and has measured it).
        using var scrape = await siloClient.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        var metrics = await scrape.Content.ReadAsStringAsync();
        Assert.Contains("\norleans_", metrics);
        Assert.Contains("\ncollaboration_read_model_lag_seconds{", metrics);
    }

    private static async Task WhileStoppedAsync(ServiceProcess api, HttpClient apiClient, HttpClient siloClient)
    {
        HealthProbe? apiReady = null, siloReady = null;
        await api.WaitUntilAsync(async () =>
        {
            await AssertLiveAsync(apiClient, siloClient);
            apiReady = await HealthProbe.TryGetAsync(apiClient, "/health/ready");
            siloReady = await HealthProbe.TryGetAsync(siloClient, "/health/ready");
            return apiReady?.Status == HttpStatusCode.ServiceUnavailable && apiReady.Checks.GetValueOrDefault("read-model") == "Unhealthy"
                && siloReady?.Status == HttpStatusCode.ServiceUnavailable;
        }, "report not ready, read model included, with PostgreSQL stopped");
        Assert.True(apiReady!.Checks.ContainsKey("storage"), string.Join(",", apiReady.Checks));
        Assert.Equal("Unhealthy", apiReady.Checks["storage"]);
        Assert.Equal("Healthy", apiReady.Checks["cluster"]);
        Assert.Equal("Unhealthy", siloReady!.Checks["storage"]);
        Assert.Equal("Healthy", siloReady.Checks["membership"]);
    }

    private static async Task AssertLiveAsync(params HttpClient[] clients)
    {
        foreach (var client in clients)
        {
            var live = await HealthProbe.TryGetAsync(client, "/health/live");
            Assert.Equal(HttpStatusCode.OK, live?.Status);
        }
    }

    private static async Task<bool> IsAsync(HttpClient client, string path, HttpStatusCode status) =>
        (await HealthProbe.TryGetAsync(client, path))?.Status == status;
}
