namespace Collaboration.LoadGen;

/// <summary>The users of one group, and the ties whose contributor is in it, by whether the owner is elsewhere or in it too.</summary>
public sealed record GroupTieAnswer(string Key, long Users, long External, long Internal)
{
    /// <summary>Krackhardt and Stern's (E - I) / (E + I); null without ties.</summary>
    public static double? EiIndex(long external, long @internal) =>
        external + @internal == 0 ? null : (double)(external - @internal) / (external + @internal);
}
