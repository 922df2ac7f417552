using System.Diagnostics;
using Npgsql;

namespace Collaboration.Testing;

/// <summary>
/// A private PostgreSQL server, from Debian's postgresql package (test.sh installs it where it is missing): initdb
/// into a temporary folder, started on a free loopback port with the server's default durability (fsync and
/// synchronous commit on), as the postgres user when we are root (the server refuses to run as root). Missing
/// binaries fail the tests and the benchmarks: they are never skipped. Most tests share one server
/// (<see cref="SharedAsync"/>) and take a fresh database each; a benchmark or a fault test starts its own.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(async () =>
    {
        var server = await StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    });

    private readonly string directory = Directory.CreateTempSubdirectory("collab-pg-").FullName;
    private string binaries = "";
    private int port;

    private PostgresServer()
    {
    }

    /// <summary>The server shared by this test run, started on first use.</summary>
    public static Task<PostgresServer> SharedAsync() => Shared.Value;

    /// <summary>A server of one's own, e.g. to stop and start it under load.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var server = new PostgresServer();
        await server.InitializeAsync();
        return server;
    }

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource CreateDataSource(string? database = null) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database ?? "postgres" }.ConnectionString);

    /// <summary>A fresh, empty database on this server (named <paramref name="name"/>, or at random); its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "db_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"CREATE DATABASE {name}");
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database, closing this process's pooled connections and forcing off any other.</summary>
    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var dataSource = CreateDataSource();
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private async Task InitializeAsync()
    {
        binaries = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb"))).OrderDescending().FirstOrDefault() ?? ""
            : "";
        if (binaries.Length == 0)
        {
            throw new InvalidOperationException("PostgreSQL server binaries were not found under /usr/lib/postgresql; install Debian's postgresql package (./test.sh does).");
        }
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "-R", "postgres:postgres", directory);
        }
        port = FreePort.Next();
        await RunAsPostgresAsync(Path.Combine(binaries, "initdb"), "-D", Path.Combine(directory, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        await StartServerAsync();
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50";
    }

    /// <summary>Starts the (stopped) server again on the same port and data.</summary>
    public Task StartServerAsync() =>
        RunAsPostgresAsync(Path.Combine(binaries, "pg_ctl"), "-D", Path.Combine(directory, "data"), "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300", "start");

    /// <summary>Stops the server at once, as a crash would (no checkpoint).</summary>
    public Task StopServerAsync() =>
        RunAsPostgresAsync(Path.Combine(binaries, "pg_ctl"), "-D", Path.Combine(directory, "data"), "-m", "immediate", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await StopServerAsync();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private Task RunAsPostgresAsync(string program, params string[] arguments) =>
        Environment.UserName == "root" ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await output}\n{await error}");
        }
    }
}
