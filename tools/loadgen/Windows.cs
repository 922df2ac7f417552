namespace Collaboration.LoadGen;

/// <summary>The read windows of <c>GET /v1/users/{id}</c>; each holds the events in (now - length, now].</summary>
public static class Windows
{
    public static readonly string[] Names = ["7d", "28d", "90d", "all"];

    /// <summary>Lengths by <see cref="Names"/>; null is all time.</summary>
    public static readonly TimeSpan?[] Lengths = [TimeSpan.FromDays(7), TimeSpan.FromDays(28), TimeSpan.FromDays(90), null];

    public static int All => Names.Length - 1;

    /// <summary>Whether window <paramref name="window"/> ending at <paramref name="endTicks"/> holds an instant.</summary>
    public static bool Holds(int window, long ticks, long endTicks) =>
        ticks <= endTicks && (Lengths[window] is not { } length || ticks > endTicks - length.Ticks);
}
