using System.Text;

namespace Collaboration.Api.Directory;

/// <summary>One CSV record: the line it starts on, and its fields (null when a quote opened on that line never closes).</summary>
public sealed record CsvRecord(int Line, List<string>? Fields);

/// <summary>RFC 4180 records: comma separated, fields optionally in double quotes ("" escapes a quote, newlines allowed inside).</summary>
public static class CsvRecords
{
    public static IEnumerable<CsvRecord> Read(string text)
    {
        var lines = text.Split('\n').Select(line => line.TrimEnd('\r')).ToArray();
        if (lines.Length > 0 && lines[^1].Length == 0)
        {
            lines = lines[..^1];
        }
        var next = 0;
        while (next < lines.Length)
        {
            var start = next;
            var fields = Parse(lines, ref next);
            // An unclosed quote would swallow every later line: report it alone and go on with the next line.
            yield return new CsvRecord(start + 1, fields);
            if (fields is null)
            {
                next = start + 1;
            }
        }
    }

    private static List<string>? Parse(string[] lines, ref int next)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var text = lines[next++];
        var position = 0;
        while (true)
        {
            if (position == text.Length)
            {
                if (!quoted)
                {
                    break;
                }
                if (next == lines.Length)
                {
                    return null;
                }
                field.Append('\n');
                text = lines[next++];
                position = 0;
                continue;
            }
            var c = text[position++];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (position < text.Length && text[position] == '"')
                {
                    field.Append('"');
                    position++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
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
