using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Collaboration.Api.Validation;
using Collaboration.Ideas;
using Collaboration.Reads;
using Microsoft.AspNetCore.Mvc;

namespace Collaboration.Api.Http;

/// <summary>Answers of id pages. The cursor is the last id of the previous page, base64url encoded (read by <see cref="PageQuery"/>).</summary>
public static class Paging
{
    public static PageResponse ToResponse(IdPage page) =>
        new(page.Items, page.HasMore ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(page.Items[^1])) : null);
}

/// <summary><c>limit</c> (1-1000, 100 by default) and <c>cursor</c> of an id page, checked in that order.</summary>
public sealed record PageQuery([FromQuery(Name = "limit")] string? Limit, [FromQuery(Name = "cursor")] string? Cursor) : IValidatedArguments
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public int PageSize { get; private set; } = DefaultLimit;

    /// <summary>The id the page starts after, from the cursor; null for the first page.</summary>
    public string? After { get; private set; }

    public FieldError? Validate()
    {
        if (ParseLimit(Limit, out var pageSize) is { } error)
        {
            return error;
        }
        PageSize = pageSize;
        if (string.IsNullOrEmpty(Cursor))
        {
            return null;
        }
        var invalid = new FieldError("cursor", "is not a cursor returned by this API");
        if (!Base64Url.IsValid(Cursor) || Cursor.Length > 2 * Ids.MaxLength)
        {
            return invalid;
        }
        var after = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(Cursor));
        if (Ids.CheckEntityId("cursor", after) is not null)
        {
            return invalid;
        }
        After = after;
        return null;
    }

    /// <summary>The page size a <c>limit</c> asks for: 1-1000, 100 when absent.</summary>
    public static FieldError? ParseLimit(string? limit, out int pageSize)
    {
        pageSize = DefaultLimit;
        return limit is null || (int.TryParse(limit, out pageSize) && pageSize is >= 1 and <= MaxLimit)
            ? null
            : new FieldError("limit", $"must be an integer from 1 to {MaxLimit}");
    }
}

public sealed record PageResponse(string[] Items, string? NextCursor);

/// <summary>A page of followed ideas; the cursor is the last idea id, as for id pages.</summary>
public sealed record FollowingResponse(FollowedIdea[] Items, string? NextCursor)
{
    public static FollowingResponse Of(FollowingPage page) =>
        new(page.Items, page.HasMore ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(page.Items[^1].IdeaId)) : null);
}

/// <summary>
/// <c>limit</c> and <c>cursor</c> of a page of updates, checked in that order. The cursor is the last update of the
/// previous page (its latest activity in ticks and its idea id), base64url encoded.
/// </summary>
public sealed record UpdatesQuery([FromQuery(Name = "limit")] string? Limit, [FromQuery(Name = "cursor")] string? Cursor) : IValidatedArguments
{
    public int PageSize { get; private set; } = PageQuery.DefaultLimit;

    public UpdatesCursor? After { get; private set; }

    public FieldError? Validate()
    {
        if (PageQuery.ParseLimit(Limit, out var pageSize) is { } error)
        {
            return error;
        }
        PageSize = pageSize;
        if (string.IsNullOrEmpty(Cursor))
        {
            return null;
        }
        var invalid = new FieldError("cursor", "is not a cursor returned by this API");
        if (!Base64Url.IsValid(Cursor) || Cursor.Length > 2 * Ids.MaxLength + 40)
        {
            return invalid;
        }
        var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(Cursor));
        var bar = text.IndexOf('|');
        if (bar < 0 || !long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks || Ids.CheckEntityId("cursor", text[(bar + 1)..]) is not null)
        {
            return invalid;
        }
        After = new UpdatesCursor(new DateTimeOffset(ticks, TimeSpan.Zero), text[(bar + 1)..]);
        return null;
    }

    public static string Encode(IdeaUpdate last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{last.LastActivityAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{last.IdeaId}"));
}

/// <summary>A page of updates; pass <see cref="NextCursor"/> back as <c>cursor</c>, null on the last page.</summary>
public sealed record UpdatesResponse(IdeaUpdate[] Items, string? NextCursor)
{
    public static UpdatesResponse Of(UpdatesPage page) => new(page.Items, page.HasMore ? UpdatesQuery.Encode(page.Items[^1]) : null);
}
