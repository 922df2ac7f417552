using System.Buffers;

namespace Collaboration.Api.Validation;

/// <summary>The id rules of the event contract.</summary>
public static class Ids
{
    public const int MaxLength = 128;

    private static readonly SearchValues<char> EventIdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-");

    private static readonly SearchValues<char> EntityIdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:@-");

    /// <summary>Event ids: 1-128 characters of [A-Za-z0-9._:-].</summary>
    public static FieldError? CheckEventId(string field, string value) => Check(field, value, EventIdChars, "A-Za-z0-9._:-");

    /// <summary>User, idea and thread ids: 1-128 characters of [A-Za-z0-9._:@-].</summary>
    public static FieldError? CheckEntityId(string field, string value) => Check(field, value, EntityIdChars, "A-Za-z0-9._:@-");

    /// <summary>
    /// A user id that a write may name: an entity id not starting with "erased-", the prefix of the pseudonyms erased
    /// people's events are stored under (one may read such a participant, never write as one).
    /// </summary>
    public static FieldError? CheckUserId(string field, string value) =>
        CheckEntityId(field, value) ?? (Privacy.Pseudonyms.IsPseudonym(value)
            ? new FieldError(field, $"ids starting with '{Privacy.Pseudonyms.Prefix}' are reserved for erased people")
            : null);

    private static FieldError? Check(string field, string value, SearchValues<char> allowed, string allowedText) =>
        value.Length is 0 or > MaxLength || value.AsSpan().ContainsAnyExcept(allowed)
            ? new FieldError(field, $"must be 1-{MaxLength} characters of [{allowedText}]")
            : null;
}
