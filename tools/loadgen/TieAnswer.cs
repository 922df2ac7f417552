namespace Collaboration.LoadGen;

/// <summary>
/// What <c>GET /v1/stats/ties?window=&amp;by=&amp;asOf=</c> must answer at the answers' time, before the privacy
/// floor: every group with users, the distinct ties, the users with a tie and the sum of their breadths.
/// </summary>
public sealed record TieAnswer(string Window, string By, long Ties, long TiedUsers, long BreadthSum, IReadOnlyList<GroupTieAnswer> Groups)
{
    public double? MeanBreadth => TiedUsers == 0 ? null : (double)BreadthSum / TiedUsers;
}
