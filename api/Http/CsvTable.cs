using System.Globalization;
using System.Text;

namespace Collaboration.Api.Http;

/// <summary>
/// An RFC 4180 table answered as text/csv. Free text (titles, group names from the directory) that a spreadsheet would
/// run as a formula (starting with =, +, -, @, tab or CR) gets a leading apostrophe; ids go out exactly as they are,
/// wrapped in <see cref="Id"/>, since a rewritten id names something that does not exist.
/// </summary>
public sealed class CsvTable(params string[] header)
{
    /// <summary>A cell written verbatim (quoted only where RFC 4180 needs it).</summary>
    public readonly record struct Id(string? Value);

    private readonly StringBuilder text = new StringBuilder().AppendJoin(',', header).Append("\r\n");

    public CsvTable Row(params object?[] cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }
            text.Append(Cell(cells[i]));
        }
        text.Append("\r\n");
        return this;
    }

    public IResult ToResult() => TypedResults.Text(text.ToString(), "text/csv; charset=utf-8");

    /// <summary>Whether the client asked for CSV (an Accept of text/csv ranked above JSON).</summary>
    public static bool IsWanted(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        var csv = accept.Where(type => type.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)).Select(type => type.Quality ?? 1).DefaultIfEmpty(0).Max();
        var json = accept.Where(type => type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)).Select(type => type.Quality ?? 1).DefaultIfEmpty(0).Max();
        return csv > 0 && csv >= json;
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        Id id => Quote(id.Value ?? ""),
        string s => Quote(s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + s : s),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? ""),
    };

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
