using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Collaboration.LoadGen;

/// <summary>
/// One read of the dashboards <see cref="DashboardCheck"/> compares, kept apart from the comparison so a caller can
/// time the answers while the fold they are compared with is still being computed. A dashboard that did not answer
/// 200 is null, and <see cref="Errors"/> says why.
/// </summary>
public sealed record DashboardReading(JsonElement? Participation, JsonElement? Ties, JsonElement? Funnel, IReadOnlyList<string> Errors)
{
    public static async Task<DashboardReading> ReadAsync(HttpClient client, DateTimeOffset asOf, CancellationToken cancel = default)
    {
        var errors = new List<string>();
        var window = Windows.Names[DashboardCheck.Window];
        var at = Uri.EscapeDataString(asOf.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        var participation = await GetAsync(client, $"v1/stats/participation?window={window}&by=country&asOf={at}", "participation", errors, cancel);
        var ties = await GetAsync(client, $"v1/stats/ties?window={window}&by=country&asOf={at}", "ties", errors, cancel);
        var funnel = await GetAsync(client, $"v1/stats/funnel?window={window}&asOf={at}", "funnel", errors, cancel);
        return new DashboardReading(participation, ties, funnel, errors);
    }

    /// <summary>The answer's JSON, or null after noting why there is none (an error status, no answer).</summary>
    private static async Task<JsonElement?> GetAsync(HttpClient client, string path, string subject, List<string> errors, CancellationToken cancel)
    {
        try
        {
            using var response = await client.GetAsync(path, cancel);
            if (response.IsSuccessStatusCode)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>(cancel);
            }
            errors.Add($"{subject}: HTTP {(int)response.StatusCode}");
        }
        catch (Exception e) when (!cancel.IsCancellationRequested && e is HttpRequestException or TaskCanceledException)
        {
            errors.Add($"{subject}: no answer ({e.Message})");
        }
        return null;
    }
}
