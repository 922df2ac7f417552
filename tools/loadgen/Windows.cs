namespace Collaboration.LoadGen;

/// <summary>The read windows of <c>GET /v1/users/{id}</c>; each holds the events in (now - length, now].</summary>
public static class Windows
{
    public static readonly string[] Names = ["7d", "28d", "90d", "all"];

    /// <summary>Lengths by <see cref="Names"/>; null is all time.</summary>
    public static readonly TimeSpan?[] Lengths = [TimeSpan.FromDays(7), TimeSpan.FromDays(28), TimeSpan.FromDays(90), null];

    public static int All => Names.Length - 1;

    /// <summary>
    /// How far the service's clock may be from the answers' time while a windowed user or idea read is compared (those
    /// reads end their windows at the service's clock).
    /// </summary>
    public static readonly TimeSpan EdgeMargin = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The bounded windows (a bit per index) for which an instant lies within <see cref="EdgeMargin"/> of the start or
    /// the end: a window ending anywhere within the margin of <paramref name="endTicks"/> might hold it or not.
    /// </summary>
    public static byte NearEdges(long ticks, long endTicks)
    {
        byte windows = 0;
        for (var w = 0; w < All; w++)
        {
            var start = endTicks - Lengths[w]!.Value.Ticks;
            if (Math.Abs(ticks - start) <= EdgeMargin.Ticks || Math.Abs(ticks - endTicks) <= EdgeMargin.Ticks)
            {
                windows |= (byte)(1 << w);
            }
        }
        return windows;
    }

    public static bool IsIn(byte windows, int window) => (windows & (1 << window)) != 0;

    /// <summary>Whether window <paramref name="window"/> ending at <paramref name="endTicks"/> holds an instant.</summary>
    public static bool Holds(int window, long ticks, long endTicks) =>
        ticks <= endTicks && (Lengths[window] is not { } length || ticks > endTicks - length.Ticks);
}
