using System.Text;
using CsCheck;

namespace Collaboration.Tests.Hostile;

/// <summary>
/// Directory imports in CSV and NDJSON: one user of the request's namespace per line, lines broken one at a time in
/// ways the contract has a rule for, and bodies broken as a whole.
/// </summary>
public static class ImportGens
{
    private static readonly string[] Fields = ["displayName", "country", "site", "department", "function"];

    private static readonly string[] ValidCountries = ["FI", "in", " se ", "", "Gb"];

    private static readonly string[] InvalidCountries = ["FIN", "F1", "Ä1", "1", "<s", "F", "F I"];

    /// <summary>One line's cells by field (null: the line leaves the field out), and what must come of it.</summary>
    private sealed record Line(string UserId, string?[] Values, Expect Expect, string? Raw = null, byte[]? InvalidUtf8 = null);

    private static Gen<Line> Lines(string ns, int k, bool csv)
    {
        var user = EventGens.UserId(ns, k);
        var values = Gen.Select(Gen.Bool.Array[5], HostileText.Text(100).Array[5], Gen.OneOf(ValidCountries),
            (named, texts, country) => Enumerable.Range(0, 5).Select(i => named[i] ? (i == 1 ? country : texts[i]) : null).ToArray());
        return Gen.Select(values, Gen.Int[0, 12], Gen.Int[0, 4], Gen.Int[0, 1000], (cells, kind, field, position) =>
        {
            string?[] Set(int index, string? value)
            {
                var copy = (string?[])cells.Clone();
                copy[index] = value;
                return copy;
            }
            var bad = new[] { " ", "/", "#", "'", "+", "é", "\u0000", "💡" }[position % 8];
            return kind switch
            {
                0 => new Line(user + new string('x', 128 - user.Length), cells, Expect.Accept),
                1 => new Line(user + bad + "x", cells, Expect.Reject("userId")),
                2 => new Line(user + new string('x', 129 - user.Length), cells, Expect.Reject("userId")),
                3 => new Line(user, Set(field, HostileText.OfLength(101)), Expect.Reject(Fields[field])),
                4 => new Line(user, Set(field, field == 1 ? " fi " : "  " + HostileText.OfLength(100) + "\t"), Expect.Accept),
                5 => new Line(user, Set(1, InvalidCountries[position % InvalidCountries.Length]), Expect.Reject("country")),
                6 => new Line(user, Set(field == 1 ? 0 : field, "ab" + JsonDraft.Marker + "cd"), Expect.Either, InvalidUtf8: [0xFF]),
                7 => csv ? new Line(user, cells, new Expect(false), Raw: user + ",\"never closed") : new Line(user, cells, new Expect(false), Raw: "{\"userId\":\"" + user + "\""),
                8 => csv ? new Line(user, cells, new Expect(false), Raw: user + ",a,b,c,d,e,f,g") : new Line(user, cells, new Expect(false), Raw: "[\"" + user + "\"]"),
                9 => csv ? new Line(user, cells, Expect.Accept) : new Line(user, cells, Expect.Reject("userId"), Raw: "{\"userId\":" + k + "}"),
                10 when !csv => new Line(user, cells, Expect.Reject(Fields[field]), Raw: "{\"userId\":\"" + user + "\",\"" + Fields[field] + "\":" + new[] { "1", "true", "[]", "{}" }[position % 4] + "}"),
                11 when !csv => new Line(user, cells, Expect.Reject("userId"), Raw: "{\"userId\":\"" + user + "\",\"userId\":\"" + user + "x\"}"),
                12 when !csv => new Line(user, cells, Expect.Reject("line"), Raw: "{\"userId\":\"" + user + "\",\"deep\":" + new string('[', 16) + new string(']', 16) + "}"),
                _ => new Line(user, cells, Expect.Accept),
            };
        });
    }

    public static Gen<HostileRequest> Import => RequestGens.Namespaces.SelectMany(ns => Gen.Frequency(
        (10, Gen.Int[0, 12].SelectMany(count => Gen.Select(Sequence(count, k => Lines(ns, k, true)), Header, Gen.Bool, Gen.Bool, (lines, header, crlf, bom) =>
            Csv(ns, lines, header, crlf ? "\r\n" : "\n", bom)))),
        (8, Gen.Int[0, 12].SelectMany(count => Gen.Select(Sequence(count, k => Lines(ns, k, false)), Gen.Bool, Gen.Bool, (lines, crlf, blank) =>
            Ndjson(ns, lines, crlf ? "\r\n" : "\n", blank)))),
        (2, Gen.OneOf(
            ("", "text/csv", "body", 400), ("   ", "text/csv", "userId", 400), ("displayName,country\nAino,FI\n", "text/csv", "userId", 400),
            ("\"userId,displayName\n" + EventGens.UserId(ns, 0) + ",x\n", "text/csv", "body", 400),
            ("userId\n" + EventGens.UserId(ns, 0) + "\n", "text/plain", "Content-Type", 415),
            ("{\"userId\":\"" + EventGens.UserId(ns, 0) + "\"}\n", "application/json", "Content-Type", 415),
            ("userId\n" + EventGens.UserId(ns, 0) + "\n", "multipart/form-data; boundary=x", "Content-Type", 415))
            .Select(bad => new HostileRequest(Endpoint.Import, ns, "refused import", Encoding.UTF8.GetBytes(bad.Item1), bad.Item2,
                Expect.Reject(bad.Item3), bad.Item4, [], [new ImportRow(0, EventGens.UserId(ns, 0), Expect.Reject(bad.Item3))])))));

    /// <summary>Items 0 to count - 1, each drawn knowing its index.</summary>
    public static Gen<T[]> Sequence<T>(int count, Func<int, Gen<T>> item) => count == 0
        ? Gen.Const(Array.Empty<T>())
        : Sequence(count - 1, item).SelectMany(earlier => item(count - 1).Select(last => (T[])[.. earlier, last]));

    private static readonly Gen<(int UserColumn, bool[] Named, bool Extra, bool Loose)> Header =
        Gen.Select(Gen.Int[0, 5], Gen.Bool.Array[5], Gen.Bool, Gen.Bool, (user, named, extra, loose) => (user, named, extra, loose));

    private static HostileRequest Csv(string ns, Line[] lines, (int UserColumn, bool[] Named, bool Extra, bool Loose) header, string newline, bool bom)
    {
        var columns = Enumerable.Range(0, 5).Where(i => header.Named[i]).Select(i => Fields[i]).ToList();
        columns.Insert(Math.Min(header.UserColumn, columns.Count), "userId");
        if (header.Extra)
        {
            columns.Add("notes");
        }
        var text = new StringBuilder(string.Join(",", columns.Select(c => header.Loose ? " " + c.ToUpperInvariant() + " " : c)) + newline);
        var lineNumber = 2;
        var rows = new List<ImportRow>();
        var records = new List<string>();
        var quoteOpen = false;
        foreach (var line in lines)
        {
            var cells = columns.Select(c => c switch
            {
                "userId" => line.UserId,
                "notes" => "<script>alert(1)</script>",
                _ => line.Values[Array.IndexOf(Fields, c)] ?? "",
            });
            var record = line.Raw ?? string.Join(",", cells.Select(Quote));
            var named = (string?[])line.Values.Select((v, i) => header.Named[i] ? v ?? "" : null).ToArray();
            // A quote left open is closed by the next quote in the body, which may join the lines between into one record.
            var expect = quoteOpen ? Expect.Either : ExpectFor(line, named);
            quoteOpen |= line.Raw?.Contains("\"never closed") == true;
            rows.Add(Row(lineNumber, line, expect, named));
            records.Add(record);
            text.Append(record).Append(newline);
            lineNumber += 1 + CountLineBreaks(record);
        }
        // A quote "never closed" is closed after all by a quote on a later line, and what it opened may then be a valid
        // record spanning those lines: its own line may be imported too.
        for (var i = 0; i < records.Count; i++)
        {
            if (lines[i].Raw?.Contains("\"never closed") == true && records.Skip(i + 1).Any(later => later.Contains('"')))
            {
                rows[i] = rows[i] with { Expect = Expect.Either };
            }
        }
        var body = Encode(text.ToString(), lines);
        return new HostileRequest(Endpoint.Import, ns, $"csv of {lines.Length}", bom ? [0xEF, 0xBB, 0xBF, .. body] : body, "text/csv",
            Expect.Accept, 400, [], rows);
    }

    private static HostileRequest Ndjson(string ns, Line[] lines, string newline, bool blank)
    {
        var text = new StringBuilder();
        var rows = new List<ImportRow>();
        var lineNumber = 1;
        foreach (var line in lines)
        {
            if (blank)
            {
                text.Append("  ").Append(newline);
                lineNumber++;
            }
            var members = new List<string> { "\"userId\":" + JsonDraft.Str(line.UserId) };
            members.AddRange(line.Values.Select((v, i) => v is null ? null : JsonDraft.Str(Fields[i]) + ":" + (v.Length == 0 && i % 2 == 0 ? "null" : JsonDraft.Str(v)))
                .OfType<string>());
            text.Append(line.Raw ?? "{" + string.Join(",", members) + "}").Append(newline);
            rows.Add(Row(lineNumber, line, ExpectFor(line, line.Values), line.Values));
            lineNumber++;
        }
        var contentType = new[] { "application/x-ndjson", "application/ndjson", "application/jsonl" }[lines.Length % 3];
        return new HostileRequest(Endpoint.Import, ns, $"ndjson of {lines.Length}", Encode(text.ToString(), lines), contentType, Expect.Accept, 400, [], rows);
    }

    /// <summary>A line whose only fault is in a field the header does not name is valid.</summary>
    private static Expect ExpectFor(Line line, string?[] named) =>
        line.Raw is null && line.Expect.Accepted == false && line.Expect.Field is { } field && Array.IndexOf(Fields, field) is var index and >= 0 && named[index] is null
            ? Expect.Accept
            : line.Raw is null && line.InvalidUtf8 is not null && named.All(v => v is null || !v.Contains(JsonDraft.Marker)) ? Expect.Accept
            : line.Expect;

    private static ImportRow Row(int lineNumber, Line line, Expect expect, string?[] named) =>
        line.InvalidUtf8 is null && line.Raw is null
            ? new ImportRow(lineNumber, line.UserId, expect, named[0]?.Trim(), named[1]?.Trim().ToUpperInvariant())
            : new ImportRow(lineNumber, line.UserId, expect);

    private static byte[] Encode(string text, Line[] lines)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return lines.Any(l => l.InvalidUtf8 is not null) ? Bytes.Replace(bytes, Encoding.UTF8.GetBytes(JsonDraft.Marker.ToString()), [0xFF]) : bytes;
    }

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\r', '\n']) >= 0 || cell.StartsWith(' ') ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;

    private static int CountLineBreaks(string text) => text.Replace("\r\n", "\n").Count(c => c is '\n' or '\r');
}
