using Collaboration.Reads;

namespace Collaboration.Analytics;

/// <summary>
/// The model's counters per window, numbered as <see cref="ReadWindow.Known"/> lists them; the lengths are the
/// windows' own. Bounded windows come first, so the first <see cref="Bounded"/> numbers are the windows with a
/// previous window (the funnel's).
/// </summary>
internal static class ModelWindows
{
    public static readonly int Count = ReadWindow.Known.Count;

    public static readonly int Bounded = ReadWindow.Known.TakeWhile(w => w.Length is not null).Count();

    /// <summary>Window lengths in ticks; the all-time window's is <see cref="Coverage.Forever"/>.</summary>
    private static readonly long[] Lengths = [.. ReadWindow.Known.Select(w => w.Length?.Ticks ?? Coverage.Forever)];

    /// <summary>The longest bounded window: instants older than an end minus this count only for all time.</summary>
    public static long LongestBounded => Lengths[Bounded - 1];

    public static long Length(int window) => Lengths[window];

    public static int IndexOf(ReadWindow window)
    {
        for (var w = 0; w < Count; w++)
        {
            if (ReadWindow.Known[w] == window)
            {
                return w;
            }
        }
        throw new ArgumentException($"Unknown window {window.Name}.", nameof(window));
    }
}
