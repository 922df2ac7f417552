using CsvHelper;

namespace Collaboration.LoadGen;

/// <summary>
/// How the tool reads and writes directory.csv with CsvHelper: RFC 4180, comma separated, a UTF-8 byte-order mark
/// (Excel's "CSV UTF-8") skipped on reading. Written with LF line ends and no byte-order mark, so the files stay the
/// bytes the generator has always written.
/// </summary>
public static class DirectoryCsv
{
    public static readonly string[] Header = ["userId", "displayName", "country", "site", "department", "function"];

    // Comma always: the default would guess the separator from the first lines.
    public static readonly CsvReaderOptions ReadOptions = CsvReaderOptions.Default with { Separator = ',' };

    public static readonly CsvWriterOptions WriteOptions = CsvWriterOptions.Default with
    {
        NewLine = "\n",
        WriteByteOrderMark = false,
        // Values go out as they are: the service would store a formula guard's apostrophe as part of the name.
        Injection = CsvInjection.None,
        // A row with the wrong field count is for the service to reject and report by line, not for the writer to throw.
        ValidateFieldCount = false,
    };
}
