using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Collaboration.Bench;

/// <summary>The api (embedded silo and SQLite) as a child process on free ports and its own data folder.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;

    private ServiceProcess(Process process, string url)
    {
        this.process = process;
        Url = url;
    }

    public string Url { get; }

    public static async Task<ServiceProcess> StartAsync(string apiAssembly, string dataDirectory, IReadOnlyDictionary<string, string> settings)
    {
        Directory.CreateDirectory(dataDirectory);
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet", [apiAssembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        start.Environment["ASPNETCORE_URLS"] = url;
        start.Environment["COLLAB_DATA_DIR"] = dataDirectory;
        start.Environment["Orleans__SiloPort"] = FreePort().ToString();
        start.Environment["Orleans__GatewayPort"] = FreePort().ToString();
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("the api did not start");
        // Drain the output so the child never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, url);
        using var client = new HttpClient();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var health = await client.GetAsync(url + "/health");
                if (health.IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                await Task.Delay(200); // polling a starting process, not synchronising a test
            }
        }
    }

    /// <summary>Resident memory of the process in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            process.Refresh();
            return process.WorkingSet64;
        }
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

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
