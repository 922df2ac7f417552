using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Collaboration.Api.Security;

/// <summary>
/// Says at start-up whether keys are required, and refuses to start when no key exists and the service listens
/// beyond this machine: keyless mode would then serve nobody but loopback clients, which is never what such a
/// deployment means. It checks the addresses the server really bound, whichever way they were configured.
/// </summary>
public sealed class KeylessModeGuard(IServer server, ApiKeyCache keys, IOptions<ApiKeyOptions> options, ILogger<KeylessModeGuard> logger)
    : IHostedLifecycleService
{
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        if (await keys.AnyActiveAsync())
        {
            logger.LogInformation("API keys are required on every request except /health.");
            return;
        }
        var exposed = addresses.Where(address => !IsLoopback(address)).ToList();
        if (exposed.Count > 0)
        {
            throw new UnsafeStartException(
                $"Refusing to start: no API key exists and the service listens on {string.Join(", ", exposed)}, which other machines can reach. " +
                "Create a key first (dotnet run --project api -- keys create NAME --scopes events:write,stats:read), or listen on a loopback address only.");
        }
        logger.LogWarning(
            "No API key exists: keyless mode, requests are accepted from loopback addresses only. Once a key is created (keys create), " +
            "every request needs one, within {CacheFor}.", options.Value.CacheFor);
    }

    /// <summary>A bound address other machines cannot reach: a loopback IP, localhost, or a Unix socket.</summary>
    internal static bool IsLoopback(string address)
    {
        var binding = BindingAddress.Parse(address);
        if (binding.IsUnixPipe || string.Equals(binding.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(binding.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
