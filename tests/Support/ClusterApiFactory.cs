namespace Collaboration.Tests.Support;

/// <summary>
/// Cluster mode in one process: a fresh database on the shared PostgreSQL server, two silos joined through the
/// membership table, and the api as their gateway client on real Kestrel.
/// </summary>
public class ClusterApiFactory : ApiFactory, IAsyncLifetime
{
    public List<ClusterSilo> Silos { get; } = [];

    public string ConnectionString { get; private set; } = "";

    public Dictionary<string, string> ClusterSettings { get; } = [];

    /// <summary>Runs on the new database (its connection string) before any silo starts, e.g. to fill it as an older release left it.</summary>
    public Func<string, Task>? PrepareDatabase { get; init; }

    public async Task InitializeAsync()
    {
        ConnectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        if (PrepareDatabase is not null)
        {
            await PrepareDatabase(ConnectionString);
        }
        ClusterSettings["Collaboration:Mode"] = "Cluster";
        ClusterSettings["ConnectionStrings:postgres"] = ConnectionString;
        ClusterSettings["Orleans:ClusterId"] = "test-" + Guid.NewGuid().ToString("N");
        ClusterSettings["Orleans:AdvertisedIP"] = "127.0.0.1";
        ClusterSettings["Journal:SnapshotEvery"] = "5";
        ClusterSettings.TryAdd("Analytics:HorizonDays", "0");
        for (var i = 0; i < 2; i++)
        {
            Silos.Add(await ClusterSilo.StartAsync(ClusterSettings));
        }
        foreach (var (key, value) in ClusterSettings)
        {
            Settings[key] = value;
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }
    }
}
