using System.Diagnostics.Tracing;
using Collaboration.Testing;
using Microsoft.Diagnostics.NETCore.Client;

namespace Collaboration.Bench;

/// <summary>The processes the benchmarks measure, started through the scaffolding the tests use (tools/testing).</summary>
public static class Processes
{
    /// <summary>The api in embedded mode (or cluster mode, by <paramref name="settings"/>) with its own data folder, once ready.</summary>
    public static Task<ServiceProcess> StartApiAsync(string dataDirectory, IReadOnlyDictionary<string, string> settings)
    {
        Directory.CreateDirectory(dataDirectory);
        var environment = new Dictionary<string, string>(settings)
        {
            ["COLLAB_DATA_DIR"] = dataDirectory,
            // Free ports for the embedded silo, so that one run never meets another's.
            ["Orleans__SiloPort"] = FreePort.Next().ToString(),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(),
        };
        return ServiceProcess.StartApiAsync(dataDirectory, environment);
    }

    /// <summary>This program in its <see cref="EmptyEndpoint"/> mode, with server GC like the api.</summary>
    public static Task<ServiceProcess> StartEmptyEndpointAsync() =>
        ServiceProcess.StartServingAsync(typeof(Processes).Assembly.Location, [EmptyEndpoint.Option],
            new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" }, EmptyEndpoint.ReadyPath);

    /// <summary>
    /// Makes the process run a full blocking GC the way dotnet-gcdump does: an EventPipe session with the runtime's
    /// GC heap collect keyword, which the runtime answers with an induced collection.
    /// </summary>
    public static async Task CollectGarbageAsync(this ServiceProcess service)
    {
        const long gcHeapCollectKeyword = 0x800000;
        var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, gcHeapCollectKeyword);
        using var session = await new DiagnosticsClient(service.Id).StartEventPipeSessionAsync([provider], requestRundown: false, token: CancellationToken.None);
        var drain = session.EventStream.CopyToAsync(Stream.Null);
        await Task.Delay(TimeSpan.FromSeconds(2)); // the collection is asynchronous to the session; no event is parsed to see it end
        await session.StopAsync(CancellationToken.None);
        await drain;
    }
}
