using System.Text.Json;
using Collaboration.Users;

namespace Collaboration.Api.Validation;

/// <summary>Directory fields, shared by <c>PUT /v1/users/{userId}</c> and the import: optional strings of at most 100 characters.</summary>
public static class ProfileParser
{
    public const int MaxFieldLength = 100;

    /// <summary>The field names in the order of <see cref="UserProfile"/>'s members and <see cref="ProfileFields"/>' bits.</summary>
    public static readonly string[] Fields = ["displayName", "country", "site", "department", "function"];

    /// <summary>The opt-out of matchmaking, a boolean beside the text <see cref="Fields"/>.</summary>
    public const string SuggestionsField = "suggestions";

    /// <summary>
    /// Reads the profile fields of a JSON object: the patch names the fields present (null or "" clears one; a null
    /// <c>suggestions</c> is its default, true) and leaves out the absent ones; unknown fields are ignored.
    /// </summary>
    public static FieldError? TryParse(JsonElement json, out ProfilePatch? patch)
    {
        patch = null;
        if (json.ValueKind != JsonValueKind.Object)
        {
            return new FieldError("body", "must be a JSON object");
        }
        var values = new string?[Fields.Length];
        for (var i = 0; i < Fields.Length; i++)
        {
            if (!json.TryGetProperty(Fields[i], out var property))
            {
                continue;
            }
            if (property.ValueKind == JsonValueKind.Null)
            {
                values[i] = "";
                continue;
            }
            if (property.ValueKind != JsonValueKind.String)
            {
                return new FieldError(Fields[i], "must be a string");
            }
            if (!JsonText.TryGet(property, out var text))
            {
                return new FieldError(Fields[i], JsonText.NotText);
            }
            values[i] = text;
        }
        bool? suggestions = null;
        if (json.TryGetProperty(SuggestionsField, out var flag))
        {
            suggestions = flag.ValueKind switch
            {
                JsonValueKind.True or JsonValueKind.Null => true,
                JsonValueKind.False => false,
                _ => null,
            };
            if (suggestions is null)
            {
                return new FieldError(SuggestionsField, "must be true or false");
            }
        }
        return TryCreate(values, out patch, suggestions);
    }

    /// <summary>
    /// Checks values given in the order of <see cref="Fields"/>: null leaves a field out of the patch, a value is
    /// trimmed and an empty one clears the field. A null <paramref name="suggestions"/> leaves the opt-out out too.
    /// </summary>
    public static FieldError? TryCreate(IReadOnlyList<string?> values, out ProfilePatch? patch, bool? suggestions = null)
    {
        patch = null;
        var named = suggestions is null ? ProfileFields.None : ProfileFields.Suggestions;
        var clean = new string?[Fields.Length];
        for (var i = 0; i < Fields.Length; i++)
        {
            if (values[i]?.Trim() is not { } value)
            {
                continue;
            }
            if (JsonText.Length(value) > MaxFieldLength)
            {
                return new FieldError(Fields[i], $"must be at most {MaxFieldLength} characters");
            }
            named |= (ProfileFields)(1 << i);
            clean[i] = value.Length == 0 ? null : value;
        }
        if (clean[1] is { } country)
        {
            if (country.Length != 2 || !char.IsAsciiLetter(country[0]) || !char.IsAsciiLetter(country[1]))
            {
                return new FieldError("country", "must be an ISO 3166 alpha-2 code such as FI or IN");
            }
            clean[1] = country.ToUpperInvariant();
        }
        patch = new ProfilePatch(named, new UserProfile(clean[0], clean[1], clean[2], clean[3], clean[4], suggestions ?? true));
        return null;
    }
}
