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
        using var lines = File.ReadLines(path).GetEnumerator();
        if (!lines.MoveNext())
        {
            yield break;
        }
        var header = CsvFields(lines.Current).Select(h => h.Trim()).ToList();
        var userColumn = header.FindIndex(h => h.Equals("userId", StringComparison.OrdinalIgnoreCase));
        var columns = Names.Select(n => header.FindIndex(h => h.Equals(n, StringComparison.OrdinalIgnoreCase))).ToArray();
        while (lines.MoveNext())
        {
            if (lines.Current.Length == 0)
            {
                continue;
            }
            var fields = CsvFields(lines.Current);
            var groups = new string[Names.Length];
            for (var d = 0; d < Names.Length; d++)
            {
                var value = columns[d] < 0 ? "" : fields[columns[d]].Trim();
                groups[d] = value.Length == 0 ? Unknown : d == Country ? value.ToUpperInvariant() : value;
            }
            yield return (fields[userColumn].Trim(), groups);
        }
    }

    /// <summary>RFC 4180 fields of one line; the generator never writes a line break inside a field.</summary>
    private static List<string> CsvFields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
        fields.Add(field.ToString());
        return fields;
    }
}
