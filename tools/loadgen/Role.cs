namespace Collaboration.LoadGen;

/// <summary>The part an employee plays in the generated workload: the highest action they ever take.</summary>
public enum Role : byte
{
    Audience,
    Editor,
    Creator,
}
