namespace Collaboration.Journal;

/// <summary>
/// The outcome of an append. On a version conflict nothing was written. Otherwise <see cref="Stored"/> says, per
/// event, whether it was written now (false: its id was already in the stream) and <see cref="Version"/> is the
/// stream's new version.
/// </summary>
public sealed record AppendResult(bool VersionConflict, long Version, bool[] Stored)
{
    public static AppendResult Conflict(long currentVersion) => new(true, currentVersion, []);
}
