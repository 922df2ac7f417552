using System.Buffers.Text;
using System.Text;
using Collaboration.Api.Validation;
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
        if (Limit is not null)
        {
            if (!int.TryParse(Limit, out var pageSize) || pageSize is < 1 or > MaxLimit)
            {
                return new FieldError("limit", $"must be an integer from 1 to {MaxLimit}");
            }
            PageSize = pageSize;
        }
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
}

public sealed record PageResponse(string[] Items, string? NextCursor);
