namespace Collaboration.LoadGen;

/// <summary>
/// An idea's reach in one window: its contributors other than the owner, the distinct countries, departments and
/// functions they come from, and how many of them are from another country than the owner.
/// </summary>
public sealed record ReachAnswer(int Contributors, int Countries, int Departments, int Functions, int CrossBorder)
{
    /// <summary>The api's defaults (Analytics:CriticalMassContributors and Analytics:CriticalMassCountries).</summary>
    public const int CriticalMassContributors = 10;
    public const int CriticalMassCountries = 2;

    public bool CriticalMass => Contributors >= CriticalMassContributors && Countries >= CriticalMassCountries;

    /// <summary>Null without contributors or without a known owner.</summary>
    public double? CrossBorderShare(bool ownerKnown) =>
        Contributors == 0 || !ownerKnown ? null : (double)CrossBorder / Contributors;

    public int[] ToArray() => [Contributors, Countries, Departments, Functions, CrossBorder];

    public static ReachAnswer FromArray(int[] values) => new(values[0], values[1], values[2], values[3], values[4]);
}
