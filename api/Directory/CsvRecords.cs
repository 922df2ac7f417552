using System.Text;

namespace Collaboration.Api.Directory;

/// <summary>RFC 4180 records: comma separated, fields optionally in double quotes ("" escapes a quote, newlines allowed inside).</summary>
public static class CsvRecords
{
    /// <summary>The next record, or null at the end; <paramref name="line"/> counts physical lines read so far.</summary>
    public static List<string>? Next(TextReader reader, ref int line, out int startLine)
    {
        startLine = line + 1;
        var text = reader.ReadLine();
        if (text is null)
        {
            return null;
        }
        line++;
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var position = 0;
        while (true)
        {
            if (position == text.Length)
            {
                if (!quoted)
                {
                    break;
                }
                // A quoted field goes on over the line break.
                var next = reader.ReadLine();
                if (next is null)
                {
                    break;
                }
                line++;
                field.Append('\n');
                text = next;
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
