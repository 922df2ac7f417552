namespace Collaboration.Api.Http;

/// <summary>
/// The time the API validates timestamps against and ends read windows at. Its own type so that tests can move the
/// service's notion of "now" without touching the TimeProvider Orleans itself runs on.
/// </summary>
public sealed class ApiClock(TimeProvider time)
{
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
