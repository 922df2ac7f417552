namespace Collaboration.Users;

/// <summary>A set of the fields of <see cref="UserProfile"/>; bit i is its i-th field.</summary>
[Flags]
public enum ProfileFields
{
    None = 0,
    DisplayName = 1,
    Country = 2,
    Site = 4,
    Department = 8,
    Function = 16,
    Suggestions = 32,
    All = DisplayName | Country | Site | Department | Function | Suggestions,
}
