using System.Globalization;

namespace Collaboration.LoadGen;

/// <summary>What <c>post</c> did. <see cref="Failed"/> counts events whose request never got an answer.</summary>
public sealed record PostSummary(
    long Sent,
    long Accepted,
    long Duplicates,
    long Rejected,
    long Failed,
    long Retries,
    TimeSpan Elapsed,
    int Imported,
    int ImportRejected,
    TimeSpan ImportElapsed,
    IReadOnlyList<string> Problems)
{
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? Sent / Elapsed.TotalSeconds : 0;

    public bool Succeeded => Rejected == 0 && Failed == 0 && ImportRejected == 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"directory: imported {Imported:N0}, rejected {ImportRejected:N0} in {ImportElapsed.TotalSeconds:F1} s\n" +
        $"events: sent {Sent:N0}, accepted {Accepted:N0}, duplicates {Duplicates:N0}, rejected {Rejected:N0}, failed {Failed:N0}; " +
        $"retries {Retries:N0}; elapsed {Elapsed:hh\\:mm\\:ss\\.f}; {EventsPerSecond:N0} events/s");
}
