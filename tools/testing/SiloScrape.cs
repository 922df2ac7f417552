using System.Text.RegularExpressions;

namespace Collaboration.Testing;

/// <summary>What a silo's Prometheus scrape (<c>/metrics</c> on its <c>Health__Port</c>) tells about the read model.</summary>
public static partial class SiloScrape
{
    /// <summary>The replicas of the read model the silo hosts: each reports its lag gauge labelled with its number.</summary>
    public static async Task<IReadOnlyList<int>> ReplicasAsync(HttpClient health)
    {
        var replicas = new List<int>();
        foreach (var line in (await health.GetStringAsync("/metrics")).Split('\n'))
        {
            if (line.StartsWith("collaboration_read_model_lag_seconds{", StringComparison.Ordinal) && ReplicaLabel().Match(line) is { Success: true } label)
            {
                replicas.Add(int.Parse(label.Groups[1].Value));
            }
        }
        return replicas;
    }

    [GeneratedRegex("replica=\"(\\d+)\"")]
    private static partial Regex ReplicaLabel();
}
