using Npgsql;

namespace Collaboration.Testing;

/// <summary>
/// A cluster-mode silo (silo/) as a child process on free loopback silo and gateway ports, joined to the cluster
/// whose membership table is in the PostgreSQL database of its settings.
/// </summary>
public sealed class SiloProcess : IDisposable, IAsyncDisposable
{
    /// <summary>Orleans' SiloStatus values as the membership table stores them.</summary>
    public const int Active = 3, Dead = 6;

    private SiloProcess(ServiceProcess process, int siloPort)
    {
        Process = process;
        SiloPort = siloPort;
    }

    public ServiceProcess Process { get; }

    /// <summary>The silo's port, which with its address names its row in the membership table.</summary>
    public int SiloPort { get; }

    /// <summary>
    /// Starts the silo with <paramref name="settings"/> (which hold <c>ConnectionStrings__postgres</c>) and returns
    /// once the membership table lists it as Active. Its output is also copied to <paramref name="logPath"/> when given.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(string workingDirectory, IDictionary<string, string> settings, string? logPath = null)
    {
        var port = FreePort.Next();
        var process = ServiceProcess.StartSilo(workingDirectory, new Dictionary<string, string>(settings)
        {
            ["Orleans__SiloPort"] = port.ToString(),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(),
        }, logPath, []);
        var silo = new SiloProcess(process, port);
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(settings["ConnectionStrings__postgres"]);
            await process.WaitUntilAsync(async () => await StatusAsync(dataSource, port) == Active, "join the cluster as an active silo");
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Orleans' SiloStatus of the silo on <paramref name="siloPort"/> in the membership table; null before it has a
    /// row, or before the first silo created the table (it does when it applies the schema at start).
    /// </summary>
    public static async Task<int?> StatusAsync(NpgsqlDataSource dataSource, int siloPort)
    {
        await using var select = dataSource.CreateCommand("SELECT status FROM orleans_membership_silo WHERE port = $1");
        select.Parameters.AddWithValue(siloPort);
        try
        {
            return await select.ExecuteScalarAsync() is int status ? status : null;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
    }

    /// <summary>SIGKILL, as when a machine dies: no shutdown code runs and the silo leaves no word in the membership.</summary>
    public void Kill() => Process.Kill();

    public void Dispose() => Process.Dispose();

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
