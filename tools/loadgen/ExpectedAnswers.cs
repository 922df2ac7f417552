using System.Globalization;
using System.Text.Json;

namespace Collaboration.LoadGen;

/// <summary>
/// The answers the service must give for the generated files at <see cref="Now"/>. Stored as expected.json with
/// users and ideas as arrays of rows (one row per line), which keeps 120,000 users to a few megabytes.
/// </summary>
/// <param name="TierTotals">Per window: the number of users that are [inactive, audience, editor, creator].</param>
public sealed record ExpectedAnswers(
    DateTimeOffset Now,
    long Lines,
    long Events,
    IReadOnlyList<UserAnswer> Users,
    IReadOnlyList<IdeaAnswer> Ideas,
    IReadOnlyDictionary<string, int[]> TierTotals)
{
    private static readonly string[] UserColumns = ["userId", "tiers", "totals", "following"];
    private static readonly string[] IdeaColumns = ["ideaId", "ownerId", "threads", "followers", "counts", "participants"];

    public void Save(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("now", Now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        json.WriteNumber("lines", Lines);
        json.WriteNumber("events", Events);
        Strings(json, "windows", Windows.Names);
        Strings(json, "types", EventTypes.Names);
        json.WriteStartObject("tierTotals");
        foreach (var window in Windows.Names)
        {
            json.WriteStartObject(window);
            for (var level = Tiers.Names.Length - 1; level >= 0; level--)
            {
                json.WriteNumber(Tiers.Names[level], TierTotals[window][level]);
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();

        Rows(json, stream, "users", UserColumns, Users, (w, u) =>
        {
            w.WriteStringValue(u.UserId);
            w.WriteStringValue(u.Tiers);
            Numbers(w, u.Totals);
            w.WriteNumberValue(u.Following);
        });
        Rows(json, stream, "ideas", IdeaColumns, Ideas, (w, i) =>
        {
            w.WriteStringValue(i.IdeaId);
            w.WriteStringValue(i.OwnerId);
            w.WriteNumberValue(i.Threads);
            w.WriteNumberValue(i.Followers);
            Numbers(w, i.Counts);
            Numbers(w, i.Participants.Select(p => (long)p).ToArray());
        });
        json.WriteEndObject();
    }

    public static ExpectedAnswers Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        var users = Rows(root, "users", UserColumns, row => new UserAnswer(
            row[0].GetString()!, row[1].GetString()!, Longs(row[2]), row[3].GetInt32()));
        var ideas = Rows(root, "ideas", IdeaColumns, row => new IdeaAnswer(
            row[0].GetString()!, row[1].GetString(), row[2].GetInt32(), row[3].GetInt32(), Longs(row[4]),
            Longs(row[5]).Select(p => (int)p).ToArray()));
        var totals = root.GetProperty("tierTotals").EnumerateObject().ToDictionary(
            w => w.Name,
            w => Tiers.Names.Select(t => w.Value.GetProperty(t).GetInt32()).ToArray());
        return new ExpectedAnswers(root.GetProperty("now").GetDateTimeOffset(), root.GetProperty("lines").GetInt64(),
            root.GetProperty("events").GetInt64(), users, ideas, totals);
    }

    private static void Rows<T>(Utf8JsonWriter json, Stream stream, string name, string[] columns, IEnumerable<T> rows, Action<Utf8JsonWriter, T> write)
    {
        json.WriteStartObject(name);
        Strings(json, "columns", columns);
        json.WriteStartArray("rows");
        foreach (var row in rows)
        {
            // JSON allows whitespace between values: a line break per row keeps the file readable with head or grep.
            json.Flush();
            stream.WriteByte((byte)'\n');
            json.WriteStartArray();
            write(json, row);
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static List<T> Rows<T>(JsonElement root, string name, string[] columns, Func<JsonElement[], T> read)
    {
        var table = root.GetProperty(name);
        var actual = table.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToArray();
        if (!actual.SequenceEqual(columns))
        {
            throw new InvalidDataException($"expected.json: {name} has columns [{string.Join(", ", actual)}], expected [{string.Join(", ", columns)}]");
        }
        return table.GetProperty("rows").EnumerateArray().Select(r => read(r.EnumerateArray().ToArray())).ToList();
    }

    private static void Strings(Utf8JsonWriter json, string name, string[] values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }
        json.WriteEndArray();
    }

    private static void Numbers(Utf8JsonWriter json, long[] values)
    {
        json.WriteStartArray();
        foreach (var value in values)
        {
            json.WriteNumberValue(value);
        }
        json.WriteEndArray();
    }

    private static long[] Longs(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();
}
