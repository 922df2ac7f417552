using Collaboration.Users;

namespace Collaboration.Api.Directory;

/// <summary>One valid line of an HR directory import.</summary>
public sealed record DirectoryRow(int Line, string UserId, UserProfile Profile);
