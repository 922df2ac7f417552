using CsvHelper;

namespace Collaboration.Api.Http;

/// <summary>
/// An RFC 4180 table answered as text/csv, written by CsvHelper (quoting, CRLF line ends, invariant numbers, doubles
/// as the shortest text that round-trips). Free text (titles, group names from the directory) that a spreadsheet would
/// run as a formula (starting with =, +, -, @, tab or CR) gets a leading apostrophe; ids go out exactly as they are,
/// wrapped in <see cref="Id"/>, since a rewritten id names something that does not exist.
/// </summary>
public sealed class CsvTable(params string[] header)
{
    // CsvHelper's own formula guard (CsvInjection.Escape) applies to every text field of a writer, ids included, so
    // the guard is applied here per cell, with the library's character set (OWASP's: = @ + - tab CR).
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { TrueValue = "true", FalseValue = "false" };
    private static readonly System.Buffers.SearchValues<char> FormulaStarts = System.Buffers.SearchValues.Create(Options.InjectionCharacters);

    private readonly List<object?[]> rows = [];

    /// <summary>A cell written verbatim (quoted only where RFC 4180 needs it).</summary>
    public readonly record struct Id(string? Value);

    public CsvTable Row(params object?[] cells)
    {
        rows.Add(cells);
        return this;
    }

    public IResult ToResult()
    {
        using var text = new StringWriter();
        using (var writer = CsvWriter.Create(text, Options, leaveOpen: true))
        {
            writer.WriteHeader(header);
            foreach (var row in rows)
            {
                foreach (var cell in row)
                {
                    writer.WriteField(cell switch
                    {
                        Id id => id.Value ?? "",
                        string s when s.Length > 0 && FormulaStarts.Contains(s[0]) => "'" + s,
                        _ => cell,
                    });
                }
                writer.EndRecord();
            }
        }
        return TypedResults.Text(text.ToString(), "text/csv; charset=utf-8");
    }

    /// <summary>Whether the client asked for CSV (an Accept of text/csv ranked above JSON).</summary>
    public static bool IsWanted(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        var csv = accept.Where(type => type.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)).Select(type => type.Quality ?? 1).DefaultIfEmpty(0).Max();
        var json = accept.Where(type => type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)).Select(type => type.Quality ?? 1).DefaultIfEmpty(0).Max();
        return csv > 0 && csv >= json;
    }
}
