namespace Collaboration.Analytics;

/// <summary>Krackhardt and Stern's E-I index.</summary>
public static class EiIndex
{
    /// <summary>(E - I) / (E + I); null without ties.</summary>
    public static double? Of(long external, long @internal) =>
        external + @internal == 0 ? null : (double)(external - @internal) / (external + @internal);
}
