using System.Text.Json;

namespace Collaboration.Api.Validation;

/// <summary>String values of posted JSON, read safely and measured in characters rather than UTF-16 units.</summary>
public static class JsonText
{
    public const string NotText = "must be valid Unicode text";

    /// <summary>
    /// False for a string that is not valid Unicode (an escaped lone surrogate, malformed UTF-8): the JSON reader
    /// accepts those, but reading them as text throws.
    /// </summary>
    public static bool TryGet(JsonElement element, out string text)
    {
        try
        {
            text = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    /// <summary>Length in Unicode scalar values, so an emoji counts as one character.</summary>
    public static int Length(string text) => text.EnumerateRunes().Count();
}
