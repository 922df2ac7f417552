using CsvHelper;

namespace Collaboration.Api.Directory;

/// <summary>One CSV record: the line it starts on, and its fields, or what is wrong with its quoting.</summary>
public sealed record CsvRecord(int Line, string[]? Fields, string? BrokenQuote = null);

/// <summary>
/// The records of a UTF-8 CSV body (a byte-order mark is skipped), read by CsvHelper as RFC 4180: comma separated,
/// fields optionally in double quotes ("" escapes a quote; line breaks inside quotes are kept as they are). Completely
/// empty lines are skipped; line numbers still count them. A quote that is never closed, or that closes with text after
/// it (<c>"ab"c</c>, typically a stray quote closed by one on a later line), breaks only the line its record starts on:
/// the record is reported alone and reading goes on with the next line, so no later line is silently swallowed.
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
            string? brokenQuote = null;
            using var reader = CsvReader.Create(body.AsMemory(start), Options with
            {
                OnMalformedRecord = record => brokenQuote ??= record.Reason switch
                {
                    CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed",
                    CsvMalformedReason.TextAfterClosingQuote => "a quoted field has text after its closing quote; quote the whole value and double the quotes inside it",
                    _ => null,
                },
            });
            while (reader.Read())
            {
                var line = linesBefore + (int)reader.LineNumber;
                if (brokenQuote is null)
                {
                    yield return new CsvRecord(line, reader.Current.ToArray());
                    continue;
                }
                // The broken quote may have swallowed later lines: report its record alone and read again from the next line.
                yield return new CsvRecord(line, null, brokenQuote);
                start = NextLineStart(body, start + (int)reader.ByteOffset);
                linesBefore = line;
                break;
            }
            if (brokenQuote is null)
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
