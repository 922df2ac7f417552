namespace Collaboration.LoadGen;

/// <summary>
/// What <c>GET /v1/users/{id}</c> must answer: <see cref="Tiers"/> holds one letter per window of
/// <see cref="Windows.Names"/> (c creator, e editor, a audience, i inactive); totals are by <see cref="EventType"/>.
/// <see cref="NearEdge"/>: the windows (see <see cref="Windows.NearEdges"/>) where one of the user's events lies near an edge.
/// </summary>
public sealed record UserAnswer(string UserId, string Tiers, long[] Totals, int Following, byte NearEdge = 0);
