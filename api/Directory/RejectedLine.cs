namespace Collaboration.Api.Directory;

public sealed record RejectedLine(int Line, string Error);
