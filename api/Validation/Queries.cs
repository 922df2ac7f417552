using System.Globalization;
using Collaboration.Analytics;
using Collaboration.Api.Apis;
using Collaboration.Api.Http;
using Collaboration.Reads;
using Microsoft.AspNetCore.Mvc;

namespace Collaboration.Api.Validation;

// The query values of the reads and dashboards, bound with [AsParameters] and checked by ArgumentValidation before the
// handler runs. Each keeps its wire name (FromQuery) so the OpenAPI document lists it as before: an optional string.

/// <summary><c>window</c> of a user or idea read: 7d, 28d (the default), 90d or all.</summary>
public sealed record WindowQuery([FromQuery(Name = "window")] string? WindowName) : IValidatedArguments
{
    public ReadWindow Window { get; private set; } = ReadWindow.Days28;

    public FieldError? Validate()
    {
        if (Parse(WindowName, out var window) is { } error)
        {
            return error;
        }
        Window = window;
        return null;
    }

    public static FieldError? Parse(string? name, out ReadWindow window)
    {
        var parsed = ReadWindow.Parse(name);
        window = parsed ?? ReadWindow.Days28;
        return parsed is null ? new FieldError("window", "must be one of 7d, 28d, 90d, all") : null;
    }
}

/// <summary>
/// <c>asOf</c> and <c>days</c> of the daily series, checked in that order: asOf not in the future, days from 1 to
/// <see cref="MaxDays"/> (90 by default), and the first day no earlier than the read model's horizon.
/// </summary>
public sealed record DailyQuery([FromQuery(Name = "asOf")] string? AsOf, [FromQuery(Name = "days")] string? Days, [FromServices] ApiClock Clock)
    : IValidatedArguments
{
    public const int MaxDays = 366;

    public DateTimeOffset End { get; private set; }

    public int Count { get; private set; } = 90;

    public FieldError? Validate()
    {
        if (AsOfQuery.Parse(AsOf, Clock, earliest: Clock.FirstDayStart, out var end) is { } error)
        {
            return error;
        }
        var count = Count;
        if (Days is not null && (!int.TryParse(Days, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxDays))
        {
            return new FieldError("days", $"must be a whole number from 1 to {MaxDays}");
        }
        var firstDay = (int)(end.UtcTicks / TimeSpan.TicksPerDay) - count + 1;
        if (Clock.HorizonDays > 0 && firstDay < Clock.FirstDay)
        {
            return new FieldError("days", $"must not reach before {ReadHorizon.DayStart(Clock.FirstDay):yyyy-MM-dd}, the first day the read model keeps "
                + $"(Analytics__HorizonDays, {Clock.HorizonDays} days); at most {(int)(end.UtcTicks / TimeSpan.TicksPerDay) - Clock.FirstDay + 1} here");
        }
        (End, Count) = (end, count);
        return null;
    }
}

/// <summary><c>asOf</c> of a dashboard: where its answer ends, now by default, neither in the future nor before the read model's horizon.</summary>
public static class AsOfQuery
{
    /// <param name="earliest">The earliest end the answer may have (see <see cref="ApiClock"/>).</param>
    public static FieldError? Parse(string? asOf, ApiClock clock, DateTimeOffset earliest, out DateTimeOffset end)
    {
        var now = clock.UtcNow;
        end = now;
        if (asOf is null)
        {
            return null;
        }
        if (!EventParser.TryParseRfc3339(asOf, out var parsed))
        {
            return new FieldError("asOf", "must be an RFC 3339 timestamp with an offset, like 2026-11-01T12:00:00Z");
        }
        if (parsed > now)
        {
            return new FieldError("asOf", "must not be in the future");
        }
        if (parsed < EventParser.Earliest)
        {
            // No event can be dated earlier, and day arithmetic near year 1 would leave the calendar.
            return new FieldError("asOf", "must not be before 2000-01-01T00:00:00Z");
        }
        if (parsed < earliest)
        {
            return new FieldError("asOf", $"must not be before {earliest.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}: the read model keeps "
                + $"{clock.HorizonDays} days of activity (Analytics__HorizonDays) and this answer reads up to {ReadHorizon.AnswerDays} days before its end");
        }
        end = parsed;
        return null;
    }
}

/// <summary>
/// <c>window</c> (28d by default) and <c>asOf</c> of a dashboard, checked in that order: the window, its end, and the
/// moment the answer counts through (see <see cref="StatsApi.CountThrough"/>).
/// </summary>
public record StatsQuery([FromQuery(Name = "window")] string? WindowName, [FromQuery(Name = "asOf")] string? AsOf, [FromServices] ApiClock Clock)
    : IValidatedArguments
{
    public ReadWindow Window { get; private set; } = ReadWindow.Days28;

    public DateTimeOffset End { get; private set; }

    public DateTimeOffset Through => StatsApi.CountThrough(Window, End, asOfGiven: AsOf is not null);

    public virtual FieldError? Validate()
    {
        if (WindowQuery.Parse(WindowName, out var window) is { } windowError)
        {
            return windowError;
        }
        if (AsOfQuery.Parse(AsOf, Clock, Clock.EarliestEnd, out var end) is { } asOfError)
        {
            return asOfError;
        }
        (Window, End) = (window, end);
        return null;
    }
}

/// <summary>
/// The funnel's window and asOf: the window needs a length, since all time has no previous window. The binding
/// attributes are repeated because [AsParameters] reads them from this record's own constructor.
/// </summary>
public sealed record FunnelQuery([FromQuery(Name = "window")] string? WindowName, [FromQuery(Name = "asOf")] string? AsOf, [FromServices] ApiClock Clock)
    : StatsQuery(WindowName, AsOf, Clock)
{
    public TimeSpan Length => Window.Length!.Value;

    public override FieldError? Validate() =>
        base.Validate() ?? (Window.Length is null ? new FieldError("window", "must be one of 7d, 28d, 90d (all time has no previous window)") : null);
}

/// <summary><c>window</c> of the follows KPI: 7d, 28d (default) or 90d, how long a follow may go unseen before it is stale.</summary>
public sealed record StaleWindowQuery([FromQuery(Name = "window")] string? WindowName) : IValidatedArguments
{
    public ReadWindow Window { get; private set; } = ReadWindow.Days28;

    public FieldError? Validate()
    {
        if (WindowQuery.Parse(WindowName, out var window) is { } error || window.Length is null)
        {
            return new FieldError("window", "must be one of 7d, 28d, 90d (a follow is stale when not seen within it)");
        }
        Window = window;
        return null;
    }
}

/// <summary><c>by</c>: the dimension a dashboard groups users by, none when absent.</summary>
public sealed record ByQuery([FromQuery(Name = "by")] string? By) : IValidatedArguments
{
    public Dimension? Dimension { get; private set; }

    public FieldError? Validate()
    {
        if (By is null)
        {
            return null;
        }
        if (!Dimensions.TryParse(By, out var dimension))
        {
            return new FieldError("by", "must be one of country, site, department, function");
        }
        Dimension = dimension;
        return null;
    }
}

/// <summary><c>sort</c> (reach by default) and <c>limit</c> (1-100, 10 by default) of the top ideas, checked in that order.</summary>
public sealed record TopQuery([FromQuery(Name = "sort")] string? Sort, [FromQuery(Name = "limit")] string? Limit) : IValidatedArguments
{
    public const int MaxLimit = 100;

    public IdeaRanking Ranking { get; private set; }

    public int Count { get; private set; } = 10;

    /// <summary>The ranking as the answer echoes it.</summary>
    public string SortName => Sort ?? "reach";

    public FieldError? Validate()
    {
        IdeaRanking? ranking = Sort switch
        {
            null or "reach" => IdeaRanking.Reach,
            "contributors" => IdeaRanking.Contributors,
            "views" => IdeaRanking.Views,
            _ => null,
        };
        if (ranking is null)
        {
            return new FieldError("sort", "must be one of reach, contributors, views");
        }
        Ranking = ranking.Value;
        if (Limit is null)
        {
            return null;
        }
        if (!int.TryParse(Limit, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > MaxLimit)
        {
            return new FieldError("limit", $"must be a whole number from 1 to {MaxLimit}");
        }
        Count = count;
        return null;
    }
}


/// <summary><c>days</c> a follow has gone unseen before it counts as stale: 1 to <see cref="MaxDays"/>, 30 by default.</summary>
public sealed record StaleQuery([FromQuery(Name = "days")] string? DaysText) : IValidatedArguments
{
    public const int DefaultDays = 30;
    public const int MaxDays = 3650;

    public int Days { get; private set; } = DefaultDays;

    public FieldError? Validate()
    {
        if (DaysText is null)
        {
            return null;
        }
        if (!int.TryParse(DaysText, out var days) || days is < 1 or > MaxDays)
        {
            return new FieldError("days", $"must be an integer from 1 to {MaxDays}");
        }
        Days = days;
        return null;
    }
}
