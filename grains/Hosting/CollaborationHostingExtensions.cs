using System.Net;
using Collaboration.Analytics;
using Collaboration.Health;
using Collaboration.Ingestion;
using Collaboration.Journal;
using Collaboration.Journal.Postgres;
using Collaboration.Journal.Sqlite;
using Collaboration.Retention;
using Collaboration.Security;
using Collaboration.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace Collaboration.Hosting;

/// <summary>
/// The one place that wires silos and clients for both deployment modes. "Collaboration:Mode" selects Embedded
/// (default) or Cluster; in Cluster mode "ConnectionStrings:postgres" names the database.
/// </summary>
public static class CollaborationHostingExtensions
{
    public const string ConnectionStringName = "postgres";
    private const string Invariant = "Npgsql";

    public static DeploymentMode Mode(this IConfiguration configuration) =>
        configuration.GetValue("Collaboration:Mode", DeploymentMode.Embedded);

    /// <summary>Everything a silo needs: endpoints and clustering, the journal and ledger, grain storage, timings.</summary>
    public static ISiloBuilder AddCollaborationGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        // Grain calls join the trace of the request that made them (see Telemetry/).
        silo.AddActivityPropagation();
        silo.AddCollaborationOperations(configuration);
        services.AddOptions<JournalOptions>()
            .Bind(configuration.GetSection("Journal"))
            .Configure(options => ApplyDataDirectory(options, configuration))
            .Validate(options => options.RetentionDays == 0 || options.RetentionDays >= JournalOptions.MinRetentionDays,
                $"Journal:RetentionDays must be 0 (keep every event) or at least {JournalOptions.MinRetentionDays}")
            .Validate(options => options.SqliteMapMiB >= 0 && options.SqliteCacheMiB >= 1,
                "Journal:SqliteMapMiB must be 0 (no mapping) or more, Journal:SqliteCacheMiB at least 1")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RetentionSweep>();
        services.AddHostedService<RetentionService>();
        services.AddCollaborationMetrics();
        services.AddSingleton<WriteBacklog>();
        // The read model's lag, for readiness and the meter "Collaboration" (ReadModelProgress).
        services.AddMetrics();
        services.AddSingleton<ReadModelProgress>();
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection("Health"));
        // The silos hold the privacy floor, so every api replica answers by the same one.
        services.AddAnalyticsOptions(configuration);
        silo.AddPlacementDirector<ReadModelReplicaPlacement, ReadModelReplicaPlacementDirector>();
        // ORLEANSEXP003: the distributed directory is marked experimental in Orleans 10; only the read model's replicas
        // use it, because the default directory deactivates an activation whose registration was on a lost silo.
#pragma warning disable ORLEANSEXP003
        silo.AddDistributedGrainDirectory(ReadModelReplicaPlacement.Directory);
#pragma warning restore ORLEANSEXP003
        services.AddSingleton<ReadModelReplicaLocations>();
        if (configuration.GetValue("Analytics:Enabled", true))
        {
            // Every silo keeps every replica of the participation read model activated from its start: the first
            // dashboard read finds one caught up, and a replica lost with its silo comes back on another at once.
            services.AddSingleton<ReadModelKeeper>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<ReadModelKeeper>());
        }
        AddMemoryBounds(services, configuration);
        var orleans = configuration.GetSection("Orleans");
        var (siloPort, gatewayPort) = (orleans.GetValue("SiloPort", 11111), orleans.GetValue("GatewayPort", 30000));

        if (configuration.Mode() == DeploymentMode.Embedded)
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort);
            services.AddSingleton(provider =>
            {
                var options = provider.GetRequiredService<IOptions<JournalOptions>>().Value;
                return new SqliteDatabase(Path.Combine(options.DataDirectory, "collaboration.db"), options.BusyTimeout,
                    provider.GetRequiredService<CollaborationMetrics>(), new SqliteMemory(options.SqliteMapMiB, options.SqliteCacheMiB));
            });
            services.AddSingleton<IEventStore, SqliteEventStore>();
            services.AddSingleton<IGrainSnapshotStore, SqliteGrainSnapshotStore>();
            services.AddSingleton<IApiKeyStore, SqliteApiKeyStore>();
            services.AddSingleton<IReadModelSnapshotStore, SqliteReadModelSnapshotStore>();
            // Open the store (and create or check its schema) when the silo starts, not on the first request.
            silo.AddStartupTask((provider, _) =>
            {
                provider.GetRequiredService<SqliteDatabase>();
                return Task.CompletedTask;
            });
            return silo;
        }

        var connectionString = PostgresConnectionString(configuration);
        silo.Configure<ClusterOptions>(options => ConfigureIds(options, orleans));
        if (orleans["AdvertisedIP"] is { Length: > 0 } advertised)
        {
            silo.ConfigureEndpoints(IPAddress.Parse(advertised), siloPort, gatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(siloPort, gatewayPort, listenOnAnyHostAddress: true);
        }
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorageAsDefault(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        silo.Configure<ClusterMembershipOptions>(options =>
        {
            // Probes adapt between MinProbeTimeout and MaxProbeTimeout; starting at 2 s with 3 missed probes (and the
            // votes of two peers) a dead silo is declared in about 10 s instead of 30 s or more. The floor stays at
            // 2 s so that a busy but healthy silo on a loaded machine is not voted dead (a silo declared dead stops).
            options.ProbeTimeout = TimeSpan.FromSeconds(2);
            options.MinProbeTimeout = TimeSpan.FromSeconds(2);
            options.NumMissedProbesLimit = 3;
            options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        });
        services.AddSingleton(provider => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = provider.GetRequiredService<IOptions<JournalOptions>>().Value.MaxConnections,
        }.ConnectionString));
        services.AddSingleton<IEventStore, PostgresEventStore>();
        services.AddSingleton<IGrainSnapshotStore, PostgresGrainSnapshotStore>();
        services.AddSingleton<IApiKeyStore, PostgresApiKeyStore>();
        services.AddSingleton<IReadModelSnapshotStore, PostgresReadModelSnapshotStore>();
        return silo;
    }

    /// <summary>
    /// How many grains a silo keeps (section "Orleans:GrainCollection", Orleans' <see cref="GrainCollectionOptions"/>):
    /// an activation idle for <c>CollectionAge</c> (10 minutes here; Orleans' own default is 15) leaves memory, its state
    /// being in its snapshot and the journal; and when the process uses more than <c>MemoryUsageLimitPercentage</c> of
    /// the memory it may use (the container's limit), the silo deactivates the least recently used activations until it
    /// is back under <c>MemoryUsageTargetPercentage</c>. A working set larger than memory then costs reloads, not the
    /// silo. The read model's replicas are kept active by their own timer and are never shed for long.
    /// </summary>
    private static void AddMemoryBounds(IServiceCollection services, IConfiguration configuration) =>
        services.AddOptions<GrainCollectionOptions>()
            .Configure(options =>
            {
                options.CollectionAge = TimeSpan.FromMinutes(10);
                options.EnableActivationSheddingOnMemoryPressure = true;
                options.MemoryUsageLimitPercentage = 80;
                options.MemoryUsageTargetPercentage = 70;
            })
            .Bind(configuration.GetSection("Orleans:GrainCollection"));

    /// <summary>
    /// The "Analytics" section, with <see cref="AnalyticsOptions.Replicas"/> filled in by the deployment mode; the api
    /// and the silos call it alike, so both count the same replicas.
    /// </summary>
    public static IServiceCollection AddAnalyticsOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AnalyticsOptions>()
            .Bind(configuration.GetSection("Analytics"))
            .PostConfigure(options => options.Replicas ??= configuration.Mode() == DeploymentMode.Cluster ? 2 : 1)
            .Validate(options => options.Replicas is >= 1 and <= 8, "Analytics:Replicas must be from 1 to 8.")
            .Validate(options => options.HorizonDays == 0 || options.HorizonDays >= ReadHorizon.AnswerDays,
                $"Analytics:HorizonDays must be 0 (keep every day) or at least {ReadHorizon.AnswerDays}.")
            .ValidateOnStart();
        return services;
    }

    /// <summary>A gateway client that finds the silos through the membership table (Cluster mode only).</summary>
    public static IClientBuilder AddCollaborationClient(this IClientBuilder client, IConfiguration configuration)
    {
        // Grain calls carry the caller's trace to the silo (see Telemetry/).
        client.AddActivityPropagation();
        var connectionString = PostgresConnectionString(configuration);
        client.Configure<ClusterOptions>(options => ConfigureIds(options, configuration.GetSection("Orleans")));
        client.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        // A call stuck on a dead gateway connection is only released by this timeout; the api then retries it.
        client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(10));
        return client;
    }

    /// <summary>
    /// In Cluster mode, applies the versioned schema scripts of deploy/postgres that the database lacks; every silo
    /// runs it before joining (membership needs its tables first), and `silo migrate` runs it alone.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PrepareStorageAsync(IConfiguration configuration, CancellationToken ct = default)
    {
        if (configuration.Mode() != DeploymentMode.Cluster)
        {
            return [];
        }
        await using var dataSource = NpgsqlDataSource.Create(PostgresConnectionString(configuration));
        return await PostgresSchema.ApplyAsync(dataSource, ct);
    }

    /// <summary>
    /// The key store for the `keys` command, outside any silo: the embedded SQLite file (which a running service may
    /// hold open: WAL and the busy timeout let both write), or PostgreSQL in Cluster mode, whose schema is brought up
    /// to date first as a silo would. Dispose the owner when done.
    /// </summary>
    public static async Task<(IApiKeyStore Store, IDisposable Owner)> OpenApiKeyStoreAsync(IConfiguration configuration, CancellationToken ct = default)
    {
        if (configuration.Mode() == DeploymentMode.Cluster)
        {
            await PrepareStorageAsync(configuration, ct);
            // An operator's command may wait for a busy server longer than Npgsql's defaults (15 s to connect, 30 s
            // per command), which suit requests.
            var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(PostgresConnectionString(configuration))
            {
                Timeout = 60,
                CommandTimeout = 120,
            }.ConnectionString);
            return (new PostgresApiKeyStore(dataSource), dataSource);
        }
        var options = new JournalOptions();
        configuration.GetSection("Journal").Bind(options);
        ApplyDataDirectory(options, configuration);
        var database = new SqliteDatabase(Path.Combine(options.DataDirectory, "collaboration.db"), options.BusyTimeout);
        return (new SqliteApiKeyStore(database), database);
    }

    private static void ApplyDataDirectory(JournalOptions options, IConfiguration configuration)
    {
        if (configuration["COLLAB_DATA_DIR"] is { Length: > 0 } dataDirectory)
        {
            options.DataDirectory = dataDirectory;
        }
    }

    private static string PostgresConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } connectionString
            ? connectionString
            : throw new InvalidOperationException(
                $"Cluster mode needs ConnectionStrings:{ConnectionStringName} (environment ConnectionStrings__{ConnectionStringName}).");

    private static void ConfigureIds(ClusterOptions options, IConfiguration orleans)
    {
        options.ClusterId = orleans["ClusterId"] ?? "collaboration";
        options.ServiceId = orleans["ServiceId"] ?? "collaboration";
    }
}
