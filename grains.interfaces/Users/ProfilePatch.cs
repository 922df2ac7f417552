namespace Collaboration.Users;

/// <summary>
/// A change to some fields of a directory entry: the fields named in <see cref="Fields"/> take their value from
/// <see cref="Values"/> (null clears one); the others keep what the user has.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ProfilePatch(
    [property: Id(0)] ProfileFields Fields,
    [property: Id(1)] UserProfile Values)
{
    /// <summary>Sets every field, as a PUT does.</summary>
    public static ProfilePatch ReplaceAll(UserProfile profile) => new(ProfileFields.All, profile);

    /// <summary>The profile after this patch; a user without a profile starts from an empty one.</summary>
    public UserProfile ApplyTo(UserProfile? current) => new(
        Pick(ProfileFields.DisplayName, Values.DisplayName, current?.DisplayName),
        Pick(ProfileFields.Country, Values.Country, current?.Country),
        Pick(ProfileFields.Site, Values.Site, current?.Site),
        Pick(ProfileFields.Department, Values.Department, current?.Department),
        Pick(ProfileFields.Function, Values.Function, current?.Function),
        Fields.HasFlag(ProfileFields.Suggestions) ? Values.Suggestions : current?.Suggestions ?? true);

    /// <summary>This patch followed by <paramref name="later"/>, as one: each field takes the last value given for it.</summary>
    public ProfilePatch Then(ProfilePatch later) => new(Fields | later.Fields, later.ApplyTo(Values));

    private string? Pick(ProfileFields field, string? patched, string? current) => Fields.HasFlag(field) ? patched : current;
}
