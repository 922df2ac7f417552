using System.Globalization;
using System.Text.Json;

namespace Collaboration.LoadGen;

/// <summary>
/// The answers the service must give for the generated files at <see cref="Now"/>. Stored as expected.json with
/// users, ideas and ties as arrays of rows (one row per line), which keeps 120,000 users to a few megabytes.
/// </summary>
/// <param name="TierTotals">Per window: the number of users that are [inactive, audience, editor, creator].</param>
/// <param name="Ties">Per window and dimension; null (like each idea's reach) when read from an older expected.json.</param>
/// <param name="EdgesKnown">Whether users' and ideas' NearEdge are set: true when folded, false when loaded (not stored).</param>
/// <param name="Updates">The updates of a sample of the users who follow something; null when read from an older expected.json.</param>
/// <param name="People">People suggested for a sample of ideas (by country); null when read from an older expected.json.</param>
/// <param name="Suggested">Ideas suggested to a sample of users; null when read from an older expected.json.</param>
public sealed record ExpectedAnswers(
    DateTimeOffset Now,
    long Lines,
    long Events,
    IReadOnlyList<UserAnswer> Users,
    IReadOnlyList<IdeaAnswer> Ideas,
    IReadOnlyDictionary<string, int[]> TierTotals,
    IReadOnlyList<TieAnswer>? Ties = null,
    bool EdgesKnown = false,
    IReadOnlyList<UpdatesAnswer>? Updates = null,
    IReadOnlyList<PeopleAnswer>? People = null,
    IReadOnlyList<SuggestedAnswer>? Suggested = null)
{
    private static readonly string[] UserColumns = ["userId", "tiers", "totals", "following"];
    // "reach" came later: a file without it still loads, and verify folds the answers again.
    private static readonly string[] IdeaColumns = ["ideaId", "ownerId", "threads", "followers", "counts", "participants", "reach"];
    private static readonly string[] TieColumns = ["window", "by", "ties", "tiedUsers", "breadthSum", "groups"];
    // Each item: [ideaId, lastActivity ticks, lastSeen ticks, [counts by type]].
    private static readonly string[] UpdatesColumns = ["userId", "items"];
    // Each person: [userId, score, [shared tags], recentContributions].
    private static readonly string[] PeopleColumns = ["ideaId", "people"];
    // Each idea: [ideaId, score, contributors, countries, lacksContributors, lacksCountries].
    private static readonly string[] SuggestedColumns = ["userId", "ideas"];

    /// <summary>Whether the ties and every idea's reach are known, as they are for files written since they are checked.</summary>
    public bool HasTiesAndReach => Ties is not null && Ideas.All(i => i.Reach is not null);

    public void Save(string path)
    {
        if (!HasTiesAndReach)
        {
            throw new InvalidOperationException("only answers folded with ties and reach are saved");
        }
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
            w.WriteStartArray();
            foreach (var window in i.Reach!)
            {
                Numbers(w, window.ToArray().Select(n => (long)n).ToArray());
            }
            w.WriteEndArray();
        });
        Rows(json, stream, "ties", TieColumns, Ties!, (w, t) =>
        {
            w.WriteStringValue(t.Window);
            w.WriteStringValue(t.By);
            w.WriteNumberValue(t.Ties);
            w.WriteNumberValue(t.TiedUsers);
            w.WriteNumberValue(t.BreadthSum);
            w.WriteStartArray();
            foreach (var g in t.Groups)
            {
                w.WriteStartArray();
                w.WriteStringValue(g.Key);
                w.WriteNumberValue(g.Users);
                w.WriteNumberValue(g.External);
                w.WriteNumberValue(g.Internal);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        });
        if (Updates is not null)
        {
            Rows(json, stream, "updates", UpdatesColumns, Updates, (w, u) =>
            {
                w.WriteStringValue(u.UserId);
                w.WriteStartArray();
                foreach (var item in u.Items)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(item.IdeaId);
                    w.WriteNumberValue(item.LastActivityTicks);
                    w.WriteNumberValue(item.LastSeenTicks);
                    Numbers(w, item.Counts);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            });
        }
        if (People is not null)
        {
            Rows(json, stream, "people", PeopleColumns, People, (w, p) =>
            {
                w.WriteStringValue(p.IdeaId);
                w.WriteStartArray();
                foreach (var person in p.People)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(person.UserId);
                    w.WriteNumberValue(person.Score);
                    Strings(w, person.SharedTags);
                    w.WriteNumberValue(person.RecentContributions);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            });
        }
        if (Suggested is not null)
        {
            Rows(json, stream, "suggested", SuggestedColumns, Suggested, (w, s) =>
            {
                w.WriteStringValue(s.UserId);
                w.WriteStartArray();
                foreach (var idea in s.Ideas)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(idea.IdeaId);
                    Numbers(w, [idea.Score, idea.Contributors, idea.Countries, idea.LacksContributors, idea.LacksCountries]);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            });
        }
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
            Ints(row[5]), row.Length > 6 ? row[6].EnumerateArray().Select(r => ReachAnswer.FromArray(Ints(r))).ToArray() : null),
            lastOptional: true);
        var ties = root.TryGetProperty("ties", out _)
            ? Rows(root, "ties", TieColumns, row => new TieAnswer(row[0].GetString()!, row[1].GetString()!, row[2].GetInt64(),
                row[3].GetInt64(), row[4].GetInt64(),
                row[5].EnumerateArray().Select(g => new GroupTieAnswer(g[0].GetString()!, g[1].GetInt64(), g[2].GetInt64(), g[3].GetInt64())).ToList()))
            : null;
        var updates = root.TryGetProperty("updates", out _)
            ? Rows(root, "updates", UpdatesColumns, row => new UpdatesAnswer(row[0].GetString()!, [.. row[1].EnumerateArray()
                .Select(item => new UpdateItem(item[0].GetString()!, item[1].GetInt64(), item[2].GetInt64(), Longs(item[3])))]))
            : null;
        var people = root.TryGetProperty("people", out _)
            ? Rows(root, "people", PeopleColumns, row => new PeopleAnswer(row[0].GetString()!, [.. row[1].EnumerateArray()
                .Select(p => new PersonAnswer(p[0].GetString()!, p[1].GetInt32(), [.. p[2].EnumerateArray().Select(t => t.GetString()!)], p[3].GetInt32()))]))
            : null;
        var suggested = root.TryGetProperty("suggested", out _)
            ? Rows(root, "suggested", SuggestedColumns, row => new SuggestedAnswer(row[0].GetString()!, [.. row[1].EnumerateArray()
                .Select(i => Ints(i[1]) is [var score, var contributors, var countries, var lacksContributors, var lacksCountries]
                    ? new SuggestedIdeaAnswer(i[0].GetString()!, score, contributors, countries, lacksContributors, lacksCountries)
                    : throw new InvalidDataException("expected.json: a suggested idea needs five numbers"))]))
            : null;
        var totals = root.GetProperty("tierTotals").EnumerateObject().ToDictionary(
            w => w.Name,
            w => Tiers.Names.Select(t => w.Value.GetProperty(t).GetInt32()).ToArray());
        return new ExpectedAnswers(root.GetProperty("now").GetDateTimeOffset(), root.GetProperty("lines").GetInt64(),
            root.GetProperty("events").GetInt64(), users, ideas, totals, ties, Updates: updates, People: people, Suggested: suggested);
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

    private static List<T> Rows<T>(JsonElement root, string name, string[] columns, Func<JsonElement[], T> read, bool lastOptional = false)
    {
        var table = root.GetProperty(name);
        var actual = table.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToArray();
        if (!actual.SequenceEqual(columns) && !(lastOptional && actual.SequenceEqual(columns[..^1])))
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

    private static void Strings(Utf8JsonWriter json, string[] values)
    {
        json.WriteStartArray();
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

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
