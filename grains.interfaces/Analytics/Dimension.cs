namespace Collaboration.Analytics;

/// <summary>A directory field that groups users. Every user has one group per dimension ("unknown" when missing).</summary>
public enum Dimension : byte
{
    Country = 0,
    Site = 1,
    Department = 2,
    Function = 3,
}

public static class Dimensions
{
    public const int Count = 4;

    /// <summary>The group of users whose directory entry has no value for a dimension.</summary>
    public const string Unknown = "unknown";

    private static readonly string[] Names = ["country", "site", "department", "function"];

    public static string ToWireName(this Dimension dimension) => Names[(int)dimension];

    public static bool TryParse(string? name, out Dimension dimension)
    {
        var index = Array.IndexOf(Names, name);
        dimension = (Dimension)Math.Max(index, 0);
        return index >= 0;
    }
}
