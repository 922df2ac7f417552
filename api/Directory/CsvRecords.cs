using CsvHelper;

namespace Collaboration.Api.Directory;

/// <summary>One CSV record: the line it starts on, and its fields (null when a quote opened in it never closes).</summary>
public sealed record CsvRecord(int Line, string[]? Fields);

/// <summary>
/// The records of a UTF-8 CSV body (a byte-order mark is skipped), read by CsvHelper as RFC 4180: comma separated,
/// fields optionally in double quotes ("" escapes a quote; line breaks inside quotes are kept as they are). Completely
/// empty lines are skipped; line numbers still count them.
/// </summary>
public static class CsvRecords
{
    private static readonly CsvReaderOptions Options = CsvReaderOptions.Default with
    {
        // The header is a record like the others: the caller matches its names, and a restart has none.
        HasHeader = false,
        Separator = ',',
        TrackLineNumbers = true,
    };

    public static IEnumerable<CsvRecord> Read(byte[] body)
    {
        var start = 0;
        var linesBefore = 0;
        while (true)
        {
            var unclosedQuote = false;
            using var reader = CsvReader.Create(body.AsMemory(start), Options with
            {
                OnMalformedRecord = record => unclosedQuote |= record.Reason == CsvMalformedReason.UnterminatedQuote,
            });
            while (reader.Read())
            {
                var line = linesBefore + (int)reader.LineNumber;
                if (!unclosedQuote)
                {
                    yield return new CsvRecord(line, reader.Current.ToArray());
                    continue;
                }
                // The unclosed quote swallowed every later line: report its record alone and read again from the next line.
                yield return new CsvRecord(line, null);
                start = NextLineStart(body, start + (int)reader.ByteOffset);
                linesBefore = line;
                break;
            }
            if (!unclosedQuote)
            {
                yield break;
            }
        }
    }

    /// <summary>Where the line after the one at <paramref name="position"/> starts; CR, LF and CR LF each end a line.</summary>
    private static int NextLineStart(byte[] body, int position)
    {
        var end = body.AsSpan(position).IndexOfAny((byte)'\r', (byte)'\n');
        if (end < 0)
        {
            return body.Length;
        }
        end += position;
        return body[end] == '\r' && end + 1 < body.Length && body[end + 1] == '\n' ? end + 2 : end + 1;
    }
}
