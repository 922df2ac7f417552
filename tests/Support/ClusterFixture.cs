using Collaboration.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Collaboration.Tests.Support;

/// <summary>Two in-process silos on one SQLite journal, snapshotting every few events so activations read snapshot + tail.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly TempDirectory directory = new();

    public ClusterFixture()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["COLLAB_DATA_DIR"] = directory.Path,
            ["Journal:SnapshotEvery"] = "5",
            ["Analytics:HorizonDays"] = "0",
        }).Build();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddCollaborationGrains(configuration));
        Cluster = builder.Build();
    }

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    /// <summary>A service of the first silo, e.g. its journal.</summary>
    public T SiloService<T>() where T : notnull => Cluster.Silos[0].ServiceProvider.GetRequiredService<T>();

    public async Task InitializeAsync() => await Cluster.DeployAsync();

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        directory.Dispose();
    }
}
