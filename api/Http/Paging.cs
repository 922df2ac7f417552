using System.Buffers.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Text;
using Collaboration.Api.Validation;
using Collaboration.Reads;

namespace Collaboration.Api.Http;

/// <summary>Query parameters and answers of id pages. The cursor is the last id of the previous page, base64url encoded.</summary>
public static class Paging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static ProblemHttpResult? TryRead(string? limitText, string? cursor, out int limit, out string? after)
    {
        after = null;
        limit = DefaultLimit;
        if (limitText is not null && (!int.TryParse(limitText, out limit) || limit is < 1 or > MaxLimit))
        {
            return Problems.BadRequest("limit", $"must be an integer from 1 to {MaxLimit}");
        }
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }
        if (!Base64Url.IsValid(cursor) || cursor.Length > 2 * Ids.MaxLength)
        {
            return InvalidCursor();
        }
        after = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        return Ids.CheckEntityId("cursor", after) is null ? null : InvalidCursor();
    }

    private static ProblemHttpResult InvalidCursor() => Problems.BadRequest("cursor", "is not a cursor returned by this API");

    public static PageResponse ToResponse(IdPage page) =>
        new(page.Items, page.HasMore ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(page.Items[^1])) : null);
}

public sealed record PageResponse(string[] Items, string? NextCursor);
