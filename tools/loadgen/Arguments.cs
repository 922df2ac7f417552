using System.Globalization;

namespace Collaboration.LoadGen;

/// <summary>
/// The <c>--name value</c> (or <c>--name=value</c>) options of one command. Every option must be read by the
/// command, so a mistyped name fails instead of being ignored.
/// </summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> read = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args)
    {
        using var items = args.GetEnumerator();
        while (items.MoveNext())
        {
            var item = items.Current;
            if (!item.StartsWith("--", StringComparison.Ordinal) || item.Length == 2)
            {
                throw new UsageException($"expected an option like --name, got '{item}'");
            }
            var equals = item.IndexOf('=');
            string name, value;
            if (equals > 0)
            {
                (name, value) = (item[2..equals], item[(equals + 1)..]);
            }
            else
            {
                name = item[2..];
                value = items.MoveNext() ? items.Current : throw new UsageException($"--{name} needs a value");
            }
            if (!values.TryAdd(name, value))
            {
                throw new UsageException($"--{name} is given twice");
            }
        }
    }

    public string? Text(string name)
    {
        read.Add(name);
        return values.GetValueOrDefault(name);
    }

    public string Required(string name) => Text(name) ?? throw new UsageException($"--{name} is required");

    public int Int(string name, int fallback, int min, int max) =>
        Number(name, fallback, min, max, s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null);

    public double Fraction(string name, double fallback) =>
        Number(name, fallback, 0.0, 1.0, s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null);

    public bool Bool(string name, bool fallback) => Text(name) switch
    {
        null => fallback,
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        var other => throw new UsageException($"--{name} must be true or false, got '{other}'"),
    };

    public DateTimeOffset? Instant(string name)
    {
        var text = Text(name);
        if (text is null)
        {
            return null;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant.ToUniversalTime()
            : throw new UsageException($"--{name} must be an RFC 3339 time such as 2026-11-26T12:00:00Z, got '{text}'");
    }

    /// <summary>Fails on any option the command never asked for.</summary>
    public void EnsureAllRead()
    {
        var unknown = values.Keys.Where(k => !read.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException("unknown option " + string.Join(", ", unknown.Select(u => "--" + u)));
        }
    }

    private T Number<T>(string name, T fallback, T min, T max, Func<string, T?> parse) where T : struct, IComparable<T>
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }
        var value = parse(text.Replace("_", "", StringComparison.Ordinal))
            ?? throw new UsageException($"--{name} must be a number, got '{text}'");
        return value.CompareTo(min) < 0 || value.CompareTo(max) > 0
            ? throw new UsageException($"--{name} must be between {min} and {max}, got {text}")
            : value;
    }
}
