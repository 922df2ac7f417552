using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace Collaboration.Bench;

/// <summary>A cluster-mode silo (silo/) as a child process on free loopback ports, joined to a PostgreSQL database.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process process;

    private SiloProcess(Process process) => this.process = process;

    /// <summary>Starts the silo and returns once the membership table lists it as active.</summary>
    public static async Task<SiloProcess> StartAsync(string siloAssembly, string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet", [siloAssembly]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["Orleans__SiloPort"] = ServiceProcess.FreePort().ToString();
        start.Environment["Orleans__GatewayPort"] = ServiceProcess.FreePort().ToString();
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("the silo did not start");
        // Drain the output so the child never blocks on a full pipe; keep the end of it for a failure message.
        var tail = new ConcurrentQueue<string>();
        DataReceivedEventHandler keep = (sender, line) =>
        {
            if (line.Data is not null)
            {
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
        var silo = new SiloProcess(process);

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var deadline = Stopwatch.StartNew();
        while (!process.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            await using var active = dataSource.CreateCommand("SELECT count(*) FROM orleans_membership_silo WHERE status = 3");
            if ((long)(await active.ExecuteScalarAsync())! > 0)
            {
                return silo;
            }
            await Task.Delay(200); // polling a starting process
        }
        await silo.DisposeAsync();
        throw new InvalidOperationException("the silo did not become active:\n" + string.Join('\n', tail));
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
