using System.Globalization;
using Collaboration.Events;
using Collaboration.Reads;
using Collaboration.Rebuild;

namespace Collaboration.EventSourcing;

/// <summary>Named summary values of folds, and what differs between two summaries of the same state type.</summary>
public static class Summaries
{
    public static string Of(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Instant(long utcTicks) => new DateTimeOffset(utcTicks, TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture);

    /// <summary>One value per interaction type, e.g. "totals.comment"; <paramref name="counts"/> is indexed by type.</summary>
    public static IEnumerable<(string Name, string Value)> Counts(string prefix, long[] counts) =>
        counts.Select((count, type) => ($"{prefix}.{((InteractionType)type).ToWireName()}", Of(count)));

    public static IEnumerable<(string Name, string Value)> Of(string prefix, Participants participants) =>
    [
        ($"{prefix}.creators", Of(participants.Creators)),
        ($"{prefix}.editors", Of(participants.Editors)),
        ($"{prefix}.audience", Of(participants.Audience)),
    ];

    /// <summary>The values that differ, in the order of <paramref name="after"/>; a name only one side has counts too.</summary>
    public static RebuildChange[] Changes(IEnumerable<(string Name, string Value)> before, IEnumerable<(string Name, string Value)> after)
    {
        var old = before.ToDictionary(entry => entry.Name, entry => entry.Value, StringComparer.Ordinal);
        var changes = new List<RebuildChange>();
        foreach (var (name, value) in after)
        {
            var was = old.Remove(name, out var found) ? found : "none";
            if (was != value)
            {
                changes.Add(new RebuildChange(name, was, value));
            }
        }
        changes.AddRange(old.Select(entry => new RebuildChange(entry.Key, entry.Value, "none")));
        return [.. changes];
    }
}
