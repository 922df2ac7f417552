using System.Diagnostics;
using Npgsql;

namespace Collaboration.Bench;

/// <summary>
/// A private PostgreSQL server from Debian's postgresql package: initdb into a temporary folder, started on a free
/// loopback port with default durability (fsync and synchronous commit on), as the postgres user when we are root
/// (the server refuses to run as root).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string directory;
    private readonly string binaries;
    private readonly int port = ServiceProcess.FreePort();

    private PostgresServer(string binaries)
    {
        this.binaries = binaries;
        // Under the system temp folder, which the postgres user can reach (the work folder may be under /root).
        directory = Directory.CreateTempSubdirectory("collab-bench-pg-").FullName;
    }

    public string ConnectionString => $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";

    public static async Task<PostgresServer> StartAsync()
    {
        var binaries = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        var server = new PostgresServer(binaries
            ?? throw new InvalidOperationException("PostgreSQL binaries were not found under /usr/lib/postgresql; install Debian's postgresql package."));
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "postgres:postgres", server.directory);
        }
        var data = Path.Combine(server.directory, "data");
        await server.RunAsPostgresAsync("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        await server.RunAsPostgresAsync("pg_ctl", "-D", data, "-l", Path.Combine(server.directory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {server.port} -k {server.directory} -c listen_addresses=127.0.0.1 -c max_connections=200", "start");
        return server;
    }

    /// <summary>A new empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await ExecuteAsync($"CREATE DATABASE {name}");
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsPostgresAsync("pg_ctl", "-D", Path.Combine(directory, "data"), "-m", "fast", "-w", "stop");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private Task RunAsPostgresAsync(string program, params string[] arguments)
    {
        var path = Path.Combine(binaries, program);
        return Environment.UserName == "root" ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments]) : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await output}\n{await error}");
        }
    }
}
