using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Net;
using System.Net.Sockets;
using Microsoft.Diagnostics.NETCore.Client;

namespace Collaboration.Bench;

/// <summary>
/// A child process serving HTTP on a free port: the api (embedded silo and SQLite, its own data folder), or the empty
/// endpoint that measures the HTTP ceiling.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly long startedAt;

    private ServiceProcess(Process process, long startedAt, string url)
    {
        this.process = process;
        this.startedAt = startedAt;
        Url = url;
    }

    public string Url { get; }

    /// <summary>From starting the process until <c>/health</c> first answered.</summary>
    public TimeSpan Startup { get; private set; }

    /// <summary>Time since the process was started.</summary>
    public TimeSpan Uptime => Stopwatch.GetElapsedTime(startedAt);

    public static Task<ServiceProcess> StartAsync(string apiAssembly, string dataDirectory, IReadOnlyDictionary<string, string> settings)
    {
        Directory.CreateDirectory(dataDirectory);
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet", [apiAssembly]) { WorkingDirectory = dataDirectory };
        start.Environment["ASPNETCORE_URLS"] = url;
        start.Environment["COLLAB_DATA_DIR"] = dataDirectory;
        start.Environment["Orleans__SiloPort"] = FreePort().ToString();
        start.Environment["Orleans__GatewayPort"] = FreePort().ToString();
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }
        return LaunchAsync(start, url);
    }

    /// <summary>This program in its <see cref="EmptyEndpoint"/> mode, with server GC like the api.</summary>
    public static Task<ServiceProcess> StartEmptyEndpointAsync()
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet", [typeof(ServiceProcess).Assembly.Location, EmptyEndpoint.Option, url]);
        start.Environment["DOTNET_gcServer"] = "1";
        return LaunchAsync(start, url);
    }

    private static async Task<ServiceProcess> LaunchAsync(ProcessStartInfo start, string url)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var startedAt = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        // Drain the output so the child never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, startedAt, url);
        using var client = new HttpClient();
        while (true)
        {
            if (await IsHealthyAsync(client, url))
            {
                service.Startup = service.Uptime;
                return service;
            }
            if (service.Uptime > TimeSpan.FromSeconds(60) || process.HasExited)
            {
                await service.DisposeAsync();
                throw new InvalidOperationException($"{url} did not become healthy");
            }
            await Task.Delay(200); // polling a starting process, not synchronising a test
        }
    }

    private static async Task<bool> IsHealthyAsync(HttpClient client, string url)
    {
        try
        {
            using var health = await client.GetAsync(url + "/health");
            return health.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
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

    /// <summary>
    /// Makes the process run a full blocking GC the way dotnet-gcdump does: an EventPipe session with the runtime's
    /// GC heap collect keyword, which the runtime answers with an induced collection.
    /// </summary>
    public async Task CollectGarbageAsync()
    {
        const long gcHeapCollectKeyword = 0x800000;
        var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, gcHeapCollectKeyword);
        using var session = await new DiagnosticsClient(process.Id).StartEventPipeSessionAsync([provider], requestRundown: false, token: CancellationToken.None);
        var drain = session.EventStream.CopyToAsync(Stream.Null);
        await Task.Delay(TimeSpan.FromSeconds(2)); // the collection is asynchronous to the session; no event is parsed to see it end
        await session.StopAsync(CancellationToken.None);
        await drain;
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
