namespace Collaboration.Journal;

/// <summary>A grain's folded state as of <see cref="Version"/>; a cache that the stream can always replace.</summary>
public sealed record StreamSnapshot(long Version, byte[] Data);
