using System.Net;
using System.Text.Json;

namespace Collaboration.Tests.Health;

/// <summary>One answer of a health endpoint: its status code and the status of each check by name.</summary>
internal sealed record HealthProbe(HttpStatusCode Status, Dictionary<string, string> Checks)
{
    public static async Task<HealthProbe?> TryGetAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();
            using var body = JsonDocument.Parse(text);
            return body.RootElement.TryGetProperty("checks", out var checks)
                ? new HealthProbe(response.StatusCode, checks.EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetProperty("status").GetString()!))
                : throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {text}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
