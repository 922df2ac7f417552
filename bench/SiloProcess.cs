using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace Collaboration.Bench;

/// <summary>A cluster-mode silo (silo/) as a child process on free loopback ports, joined to a PostgreSQL database.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    /// <summary>Orleans' SiloStatus values as the membership table stores them.</summary>
    public const int Active = 3, Dead = 6;

    private readonly Process process;

    private SiloProcess(Process process, int siloPort)
    {
        this.process = process;
        SiloPort = siloPort;
    }

    /// <summary>The silo's port, which with its address names its row in the membership table.</summary>
    public int SiloPort { get; }

    private TextWriter? log;

    /// <summary>Starts the silo and returns once the membership table lists it as active.</summary>
    /// <param name="logPath">Where to keep the silo's whole output (default: only its last lines, for a failure message).</param>
    public static async Task<SiloProcess> StartAsync(string siloAssembly, string connectionString, IReadOnlyDictionary<string, string> settings, string? logPath = null)
    {
        var start = new ProcessStartInfo("dotnet", [siloAssembly]) { RedirectStandardOutput = true, RedirectStandardError = true };
        var siloPort = ServiceProcess.FreePort();
        start.Environment["Orleans__SiloPort"] = siloPort.ToString();
        start.Environment["Orleans__GatewayPort"] = ServiceProcess.FreePort().ToString();
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("the silo did not start");
        // Drain the output so the child never blocks on a full pipe; keep the end of it for a failure message.
        var tail = new ConcurrentQueue<string>();
        var log = logPath is null ? null : TextWriter.Synchronized(new StreamWriter(logPath) { AutoFlush = true });
        DataReceivedEventHandler keep = (sender, line) =>
        {
            if (line.Data is not null)
            {
                log?.WriteLine(line.Data);
                tail.Enqueue(line.Data);
                while (tail.Count > 40 && tail.TryDequeue(out _))
                {
                }
            }
        };
        process.OutputDataReceived += keep;
        process.ErrorDataReceived += keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var silo = new SiloProcess(process, siloPort) { log = log };

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var deadline = Stopwatch.StartNew();
        while (!process.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (await StatusAsync(dataSource, siloPort) == Active)
            {
                return silo;
            }
            await Task.Delay(200); // polling a starting process
        }
        await silo.DisposeAsync();
        throw new InvalidOperationException("the silo did not become active:\n" + string.Join('\n', tail));
    }

    /// <summary>SIGKILL, as when a machine dies: no shutdown code runs and the silo leaves no word in the membership.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>Orleans' SiloStatus of the silo on <paramref name="siloPort"/> in the membership table (null before it has a row).</summary>
    public static async Task<int?> StatusAsync(NpgsqlDataSource dataSource, int siloPort)
    {
        await using var select = dataSource.CreateCommand("SELECT status FROM orleans_membership_silo WHERE port = $1");
        select.Parameters.AddWithValue(siloPort);
        return await select.ExecuteScalarAsync() is int status ? status : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        log?.Dispose();
    }
}
