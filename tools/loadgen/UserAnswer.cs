namespace Collaboration.LoadGen;

/// <summary>
/// What <c>GET /v1/users/{id}</c> must answer: <see cref="Tiers"/> holds one letter per window of
/// <see cref="Windows.Names"/> (c creator, e editor, a audience, i inactive); totals are by <see cref="EventType"/>.
/// </summary>
public sealed record UserAnswer(string UserId, string Tiers, long[] Totals, int Following);
