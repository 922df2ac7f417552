using Collaboration.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Collaboration.Tests.Support;

/// <summary>
/// A Cluster-mode silo hosted in the test process, composed as silo/Program.cs composes one
/// (<see cref="CollaborationSiloHosting"/>), plus what a test adds to the silo.
/// </summary>
public sealed class ClusterSilo : IAsyncDisposable
{
    private readonly WebApplication host;

    private ClusterSilo(WebApplication host) => this.host = host;

    public IServiceProvider Services => host.Services;

    public static async Task<ClusterSilo> StartAsync(IDictionary<string, string> settings, Action<ISiloBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(pair => KeyValuePair.Create(pair.Key, (string?)pair.Value)));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:SiloPort"] = FreePort.Next().ToString(),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(),
        });
        await CollaborationHostingExtensions.PrepareStorageAsync(builder.Configuration);
        builder.AddCollaborationSilo(configure);
        builder.Services.AddSingleton<IFatalErrorHandler, TestFatalErrorHandler>();
        var host = builder.Build();
        host.MapCollaborationSilo();
        await host.StartAsync();
        return new ClusterSilo(host);
    }

    /// <summary>A graceful stop, as SIGTERM gives: the silo leaves the cluster and hands its grains over.</summary>
    public async Task StopAsync() => await host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        await host.DisposeAsync();
    }
}
