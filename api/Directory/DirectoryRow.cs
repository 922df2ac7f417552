using Collaboration.Users;

namespace Collaboration.Api.Directory;

/// <summary>One valid line of an HR directory import: the fields it names for the user.</summary>
public sealed record DirectoryRow(int Line, string UserId, ProfilePatch Patch);
