namespace Collaboration.Analytics;

/// <summary>
/// What a change can affect: window ends from <see cref="From"/> on (all of them for <see cref="long.MinValue"/>),
/// presence levels up to <see cref="TopLevel"/> (see <see cref="PresenceLevels"/>), and the tie to
/// <see cref="TieOwner"/> (every tie when <see cref="AllTies"/>).
/// </summary>
internal readonly record struct ChangeScope(long From, int TopLevel, UserData? TieOwner, bool AllTies = false)
{
    public static readonly ChangeScope Everything = new(long.MinValue, PresenceLevels.Last, null, true);

    public bool IsEverything => From == long.MinValue;

    /// <summary>The end of the region a span of <paramref name="length"/> after <see cref="From"/> reaches.</summary>
    public long RegionEnd(long length) => IsEverything ? Coverage.Forever : Coverage.Plus(From, length);
}
