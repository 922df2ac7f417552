namespace Collaboration.LoadGen;

/// <summary>Tier names by participation level (0 inactive to 3 creator) and the one-letter form expected.json uses.</summary>
public static class Tiers
{
    public static readonly string[] Names = ["inactive", "audience", "editor", "creator"];

    private const string Letters = "iaec";

    public static char Letter(byte level) => Letters[level];

    public static string FromLetter(char letter) => Names[Letters.IndexOf(letter)];
}
