using System.Text.Json;

namespace Collaboration.Bench;

/// <summary>One grain's stream: its id and how many events it holds once the company is posted.</summary>
public sealed record StreamSize(string Id, long Events);

/// <summary>
/// The users and ideas of a generated company with the size of their streams, from loadgen's <c>expected.json</c>
/// (a user's all-time totals, an idea's all-time counts) and <c>directory.csv</c> (one profile event per row).
/// </summary>
public sealed class CompanyStreams
{
    public required IReadOnlyList<StreamSize> Users { get; init; }

    public required IReadOnlyList<StreamSize> Ideas { get; init; }

    public long UserEvents => Users.Sum(user => user.Events);

    public long IdeaEvents => Ideas.Sum(idea => idea.Events);

    public static CompanyStreams Load(string folder)
    {
        var directory = File.ReadLines(Path.Combine(folder, "directory.csv")).Skip(1)
            .Select(line => line[..line.IndexOf(',', StringComparison.Ordinal)]).ToHashSet();
        using var stream = File.OpenRead(Path.Combine(folder, "expected.json"));
        using var expected = JsonDocument.Parse(stream);
        // Rows are [userId, tiers, totals, following] and [ideaId, ownerId, threads, followers, counts, participants].
        var users = expected.RootElement.GetProperty("users").GetProperty("rows").EnumerateArray()
            .Select(row => (Id: row[0].GetString()!, Totals: Sum(row[2])))
            .Select(user => new StreamSize(user.Id, user.Totals + (directory.Contains(user.Id) ? 1 : 0)))
            .ToList();
        var ideas = expected.RootElement.GetProperty("ideas").GetProperty("rows").EnumerateArray()
            .Select(row => new StreamSize(row[0].GetString()!, Sum(row[4])))
            .ToList();
        return new CompanyStreams { Users = users, Ideas = ideas };
    }

    private static long Sum(JsonElement counts) => counts.EnumerateArray().Sum(count => count.GetInt64());
}
