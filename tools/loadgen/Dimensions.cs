using CsvHelper;

namespace Collaboration.LoadGen;

/// <summary>
/// The directory fields that group users (the <c>by</c> of <c>/v1/stats</c>), and a user's groups as the README
/// defines them: the trimmed directory value, the country in upper case, "unknown" when missing.
/// </summary>
public static class Dimensions
{
    public static readonly string[] Names = ["country", "site", "department", "function"];

    public const string Unknown = "unknown";

    public const int Country = 0;
    public const int Department = 2;
    public const int Function = 3;

    public static readonly string[] UnknownGroups = [Unknown, Unknown, Unknown, Unknown];

    /// <summary>Each row of directory.csv as its user id and groups by <see cref="Names"/>, found by header name.</summary>
    public static IEnumerable<(string UserId, string[] Groups)> ReadDirectory(string path)
    {
        using var reader = CsvReader.FromFile(path, DirectoryCsv.ReadOptions);
        if (reader.Headers.Count == 0)
        {
            yield break;
        }
        // Header names match exactly, else ignoring case and surrounding whitespace.
        if (!reader.TryGetFieldIndex("userId", out var userColumn))
        {
            throw new InvalidDataException($"{path} has no userId column");
        }
        var columns = Names.Select(n => reader.TryGetFieldIndex(n, out var column) ? column : -1).ToArray();
        while (reader.Read())
        {
            var groups = new string[Names.Length];
            for (var d = 0; d < Names.Length; d++)
            {
                // A missing column or a short row reads as empty, so as unknown.
                var value = columns[d] < 0 ? "" : reader.GetString(columns[d]).Trim();
                groups[d] = value.Length == 0 ? Unknown : d == Country ? value.ToUpperInvariant() : value;
            }
            yield return (reader.GetString(userColumn).Trim(), groups);
        }
    }
}
