using System.Globalization;
using System.Text;

namespace Collaboration.Bench;

/// <summary>
/// Batches of random events for the memory benchmarks (10 and 11), as JSON for <c>POST /v1/events/batch</c>: 90% views,
/// 9% comments, likes and shares, 1% creates (an idea's first create owns it), users and viewed ideas drawn uniformly.
/// </summary>
public static class GeneratedEvents
{
    /// <param name="relations">Draws who does what on which idea.</param>
    /// <param name="date">Gives each event's time.</param>
    /// <param name="ideasPerUser">
    /// When set, a user comments, likes, shares and creates only on this many ideas of their own (a team's), so the
    /// relationships are bounded as in a company; otherwise on any idea.
    /// </param>
    public static string Batch(int size, int users, int ideas, Random relations, Func<DateTimeOffset> date, string idPrefix, int? ideasPerUser = null)
    {
        var events = new StringBuilder("{\"events\":[");
        for (var i = 0; i < size; i++)
        {
            var roll = relations.Next(100);
            var type = roll < 90 ? "view" : roll < 93 ? "comment" : roll < 96 ? "like" : roll < 99 ? "share" : "create";
            var (user, idea) = (relations.Next(users), relations.Next(ideas));
            if (type != "view" && ideasPerUser is { } own)
            {
                idea = (int)((user * 7_919L + relations.Next(own) * 104_729L) % ideas);
            }
            events.Append(i == 0 ? "" : ",")
                .Append(CultureInfo.InvariantCulture, $"{{\"eventId\":\"{idPrefix}-{i}\",\"type\":\"{type}\",\"userId\":\"u-{user:D5}\",")
                .Append(CultureInfo.InvariantCulture, $"\"ideaId\":\"i-{idea:D5}\",\"occurredAt\":\"{date().UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}\"}}");
        }
        return events.Append("]}").ToString();
    }
}
