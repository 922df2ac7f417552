using System.Text;
using System.Text.Json;
using Collaboration.Api.Validation;

namespace Collaboration.Api.Directory;

/// <summary>
/// Parses an HR directory: CSV with a header naming the columns (userId required; displayName, country, site,
/// department and function optional, in any order) or NDJSON with one object per line. Each row is a patch of the
/// fields its header or object names. Line numbers count from 1, the CSV header being line 1; blank lines are skipped.
/// </summary>
public static class DirectoryReader
{
    public static FieldError? ReadCsv(byte[] body, List<DirectoryRow> rows, List<RejectedLine> rejected)
    {
        using var records = CsvRecords.Read(body).GetEnumerator();
        if (!records.MoveNext())
        {
            return new FieldError("body", "is empty; expected a header line userId,displayName,country,site,department,function");
        }
        if (records.Current.Fields is not { } header)
        {
            return new FieldError("body", $"the header line is broken: {records.Current.BrokenQuote}");
        }
        var userColumn = Array.FindIndex(header, name => name.Trim().Equals("userId", StringComparison.OrdinalIgnoreCase));
        if (userColumn < 0)
        {
            return new FieldError("userId", "the CSV header must name a userId column");
        }
        var profileColumns = ProfileParser.Fields
            .Select(field => Array.FindIndex(header, name => name.Trim().Equals(field, StringComparison.OrdinalIgnoreCase)))
            .ToArray();
        while (records.MoveNext())
        {
            var (line, fields, _) = records.Current;
            if (fields is null)
            {
                rejected.Add(new RejectedLine(line, records.Current.BrokenQuote!));
                continue;
            }
            if (fields.Length == 1 && string.IsNullOrWhiteSpace(fields[0]))
            {
                continue;
            }
            if (fields.Length != header.Length)
            {
                rejected.Add(new RejectedLine(line, $"has {fields.Length} fields; the header has {header.Length}"));
                continue;
            }
            // A column the header does not name stays null: the row leaves that field as the user has it.
            var values = profileColumns.Select(column => column < 0 ? null : fields[column]).ToArray();
            Add(line, fields[userColumn].Trim(), values, rows, rejected);
        }
        return null;
    }

    public static void ReadNdjson(byte[] body, List<DirectoryRow> rows, List<RejectedLine> rejected)
    {
        using var reader = new StreamReader(new MemoryStream(body), Encoding.UTF8);
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            // A line is read by the API's JSON rules: a property named twice (which userId was meant?) or nesting past the limit rejects it.
            using var json = StrictJson.Parse(Encoding.UTF8.GetBytes(text), "line", out var jsonError);
            if (json is null)
            {
                rejected.Add(new RejectedLine(line, jsonError!.ToString()));
                continue;
            }
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                rejected.Add(new RejectedLine(line, "must be a JSON object"));
                continue;
            }
            if (!json.RootElement.TryGetProperty("userId", out var id) || id.ValueKind != JsonValueKind.String ||
                !JsonText.TryGet(id, out var userId))
            {
                rejected.Add(new RejectedLine(line, "userId: is required and must be a string"));
                continue;
            }
            if (ProfileParser.TryParse(json.RootElement, out var patch) is { } error)
            {
                rejected.Add(new RejectedLine(line, error.ToString()));
                continue;
            }
            Add(line, userId, patch!, rows, rejected);
        }
    }

    private static void Add(int line, string userId, string?[] values, List<DirectoryRow> rows, List<RejectedLine> rejected)
    {
        if (ProfileParser.TryCreate(values, out var patch) is { } error)
        {
            rejected.Add(new RejectedLine(line, error.ToString()));
            return;
        }
        Add(line, userId, patch!, rows, rejected);
    }

    private static void Add(int line, string userId, Users.ProfilePatch patch, List<DirectoryRow> rows, List<RejectedLine> rejected)
    {
        if (Ids.CheckUserId("userId", userId) is { } error)
        {
            rejected.Add(new RejectedLine(line, error.ToString()));
            return;
        }
        rows.Add(new DirectoryRow(line, userId, patch));
    }
}
