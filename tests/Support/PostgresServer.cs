using System.Diagnostics;
using Npgsql;

namespace Collaboration.Tests.Support;

/// <summary>
/// A private PostgreSQL server for the test run, from Debian's postgresql package (test.sh installs it where it is
/// missing): initdb into a temporary folder, started on a free loopback port, as the postgres user when we are root
/// (the server refuses to run as root). Missing binaries fail the tests: they are never skipped.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("collab-pg-").FullName;
    private string binaries = "";

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource CreateDataSource(string? database = null) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database ?? "postgres" }.ConnectionString);

    /// <summary>A fresh, empty database on this server.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "db_" + Guid.NewGuid().ToString("N");
        await using var dataSource = CreateDataSource();
        await using var command = dataSource.CreateCommand($"CREATE DATABASE {name}");
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public async Task InitializeAsync()
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
        var port = FreePort.Next();
        var data = Path.Combine(directory, "data");
        await RunAsPostgresAsync(Path.Combine(binaries, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        await RunAsPostgresAsync(Path.Combine(binaries, "pg_ctl"), "-D", data, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300", "start");
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50";
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsPostgresAsync(Path.Combine(binaries, "pg_ctl"), "-D", Path.Combine(directory, "data"), "-m", "immediate", "-w", "stop");
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

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
