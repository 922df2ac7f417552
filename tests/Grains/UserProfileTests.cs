using Collaboration.EventSourcing;
using Collaboration.Journal;
using Collaboration.Tests.Support;
using Collaboration.Users;

namespace Collaboration.Tests.Grains;

public class UserProfileTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly DateTimeOffset At = Make.Noon;

    private static ProfilePatch Patch(ProfileFields fields, UserProfile values) => new(fields, values);

    private async Task<UserProfile[]> StoredProfilesAsync(string userId) =>
        [.. (await fixture.SiloService<IEventStore>().ReadAsync(EventKey.User(userId), FeedCursor.Start)).Events
            .Select(stored => StoredEventFormat.Decode(stored.Event)).OfType<ProfileUpdated>().Select(updated => updated.Profile)];

    [Fact]
    public async Task A_patch_changes_only_the_fields_it_names_and_stores_the_whole_merged_profile()
    {
        var userId = Make.Id("u");
        var user = fixture.Client.GetGrain<IUserGrain>(userId);
        await user.UpdateProfileAsync(new UserProfile("Aino", "FI", "Helsinki", "R&D", "Engineering"), At);

        var changed = await user.PatchProfileAsync(Patch(ProfileFields.Country | ProfileFields.Site, new UserProfile("x", "SE", null, "x", "x")), At);

        Assert.True(changed);
        var merged = new UserProfile("Aino", "SE", null, "R&D", "Engineering");
        Assert.Equal([new UserProfile("Aino", "FI", "Helsinki", "R&D", "Engineering"), merged], await StoredProfilesAsync(userId));
        var rebuilt = await Replay.FoldAsync<UserState>(fixture.SiloService<IEventStore>(), EventKey.User(userId));
        Assert.Equal(merged, rebuilt.Profile);
    }

    [Fact]
    public async Task A_patch_that_changes_nothing_stores_nothing()
    {
        var userId = Make.Id("u");
        var user = fixture.Client.GetGrain<IUserGrain>(userId);
        await user.UpdateProfileAsync(new UserProfile("Aino", "FI", null, null, null), At);

        var changed = await user.PatchProfileAsync(Patch(ProfileFields.Country | ProfileFields.Site, new UserProfile("Mika", "FI", null, null, null)), At);

        Assert.False(changed);
        Assert.Single(await StoredProfilesAsync(userId));
    }

    [Fact]
    public async Task Patches_naming_different_fields_at_once_are_both_kept()
    {
        var userId = Make.Id("u");
        var user = fixture.Client.GetGrain<IUserGrain>(userId);
        await user.UpdateProfileAsync(new UserProfile("Aino", "FI", "Helsinki", "R&D", "Engineering"), At);
        var empty = new UserProfile(null, null, null, null, null);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? user.PatchProfileAsync(Patch(ProfileFields.Country, empty with { Country = "SE" }), At)
            : user.PatchProfileAsync(Patch(ProfileFields.Department, empty with { Department = "Sales" }), At)));

        Assert.Equal(new UserProfile("Aino", "SE", "Helsinki", "Sales", "Engineering"), (await StoredProfilesAsync(userId))[^1]);
    }
}
