using System.Net;
using Collaboration.Tests.Support;

namespace Collaboration.Tests.Health;

public sealed class EmbeddedHealthTests
{
    [Fact]
    public async Task A_read_model_behind_the_configured_maximum_makes_ready_fail_while_live_runs_only_the_process_check()
    {
        using var data = new TempDirectory();
        // A maximum lag of zero: the model is always some time behind, so the check must report it.
        using var api = ServiceProcess.StartApi(data.Path, new Dictionary<string, string>
        {
            ["COLLAB_DATA_DIR"] = data.Path,
            ["Health__MaxReadModelLag"] = "00:00:00",
        });
        using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        HealthProbe? ready = null;
        await api.WaitUntilAsync(async () =>
        {
            ready = await HealthProbe.TryGetAsync(client, "/health/ready");
            return ready is { } r && r.Checks.GetValueOrDefault("storage") == "Healthy";
        }, "answer readiness with its storage healthy");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready!.Status);
        Assert.Equal("Unhealthy", ready.Checks["read-model"]);
        Assert.Equal("Healthy", ready.Checks["cluster"]);
        Assert.Equal("Healthy", ready.Checks["shutdown"]);

        var live = await HealthProbe.TryGetAsync(client, "/health/live");
        Assert.Equal(HttpStatusCode.OK, live!.Status);
        // Live never asks storage, the cluster or the read model.
        Assert.Equal(["process"], live.Checks.Keys);
    }

    [Fact]
    public async Task Ready_is_true_with_the_default_lag_and_the_old_address_answers_as_ready()
    {
        using var data = new TempDirectory();
        using var api = await ServiceProcess.StartApiAsync(data.Path, new Dictionary<string, string> { ["COLLAB_DATA_DIR"] = data.Path });
        using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var ready = await HealthProbe.TryGetAsync(client, "/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready!.Status);
        Assert.Equal(["cluster", "read-model", "shutdown", "storage"], ready.Checks.Keys.Order());
        var alias = await HealthProbe.TryGetAsync(client, "/health");
        Assert.Equal(ready.Checks.Keys.Order(), alias!.Checks.Keys.Order());
    }

    [Fact]
    public async Task On_SIGTERM_ready_fails_first_while_live_and_the_api_keep_answering_through_the_shutdown_delay()
    {
        using var data = new TempDirectory();
        // Long enough to watch the drain on a slow machine; the process then stops by itself.
        using var api = await ServiceProcess.StartApiAsync(data.Path, new Dictionary<string, string>
        {
            ["COLLAB_DATA_DIR"] = data.Path,
            ["Health__ShutdownDelay"] = "00:00:20",
        });
        using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        Assert.Equal(HttpStatusCode.OK, (await HealthProbe.TryGetAsync(client, "/health/ready"))!.Status);

        await api.SignalTerminateAsync();
        HealthProbe? ready = null;
        await api.WaitUntilAsync(async () =>
        {
            ready = await HealthProbe.TryGetAsync(client, "/health/ready");
            return ready?.Status == HttpStatusCode.ServiceUnavailable;
        }, "report not ready once told to stop");
        Assert.Equal("Unhealthy", ready!.Checks["shutdown"]);
        Assert.Equal("Healthy", ready.Checks["storage"]);
        Assert.Equal(HttpStatusCode.OK, (await HealthProbe.TryGetAsync(client, "/health/live"))!.Status);
        // Requests still in flight at the load balancer are served during the delay.
        var like = Make.Json(Make.Event(Events.InteractionType.Like, Make.Id("u"), Make.Id("i"), Make.Noon));
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/v1/events", like)).StatusCode);

        Assert.Equal(0, await api.WaitForExitAsync());
    }
}
