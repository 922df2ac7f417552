using Collaboration.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Collaboration.Tests.Support;

/// <summary>A Cluster-mode silo hosted in the test process, configured as silo/Program.cs configures one.</summary>
public sealed class ClusterSilo : IAsyncDisposable
{
    private readonly IHost host;

    private ClusterSilo(IHost host) => this.host = host;

    public IServiceProvider Services => host.Services;

    public static async Task<ClusterSilo> StartAsync(IDictionary<string, string> settings, Action<ISiloBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(pair => KeyValuePair.Create(pair.Key, (string?)pair.Value)));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:SiloPort"] = FreePort.Next().ToString(),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(),
        });
        await CollaborationHostingExtensions.PrepareStorageAsync(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.AddCollaborationGrains(builder.Configuration);
            configure?.Invoke(silo);
        });
        builder.Services.AddSingleton<IFatalErrorHandler, TestFatalErrorHandler>();
        var host = builder.Build();
        await host.StartAsync();
        return new ClusterSilo(host);
    }

    /// <summary>A graceful stop, as SIGTERM gives: the silo leaves the cluster and hands its grains over.</summary>
    public async Task StopAsync() => await host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
