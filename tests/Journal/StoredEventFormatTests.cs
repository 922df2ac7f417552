using System.Text;
using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Journal;
using Collaboration.Users;

namespace Collaboration.Tests.Journal;

/// <summary>The stored JSON of each record version, byte for byte: rows written today must read like those of every release.</summary>
public sealed class StoredEventFormatTests
{
    private const string InteractionV1 =
        """{"eventId":"e-1","type":"comment","userId":"u-1","ideaId":"i-1","threadId":"t-1","occurredAt":"2026-11-20T09:30:00.25+00:00"}""";

    private const string CreateV1 =
        """{"eventId":"e-2","type":"create","userId":"u-1","ideaId":"i-1","occurredAt":"2026-11-20T09:30:00+00:00","title":"Heat pumps","tags":["energy","sites"]}""";

    private const string ProfileUpdatedV1 =
        """{"eventId":"p-1","profile":{"displayName":"Aino","country":"FI","function":"R\u0026D"},"updatedAt":"2026-11-20T10:00:00+00:00"}""";

    private const string ProfileUpdatedV2 =
        """{"eventId":"p-1","profile":{"displayName":"Aino","country":"FI","function":"R\u0026D","suggestions":false},"updatedAt":"2026-11-20T10:00:00+00:00"}""";

    private static readonly DateTimeOffset At = new(2026, 11, 20, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void An_interaction_is_stored_as_version_1()
    {
        var comment = new Interaction("e-1", InteractionType.Comment, "u-1", "i-1", "t-1", At.AddMilliseconds(250));
        var create = new Interaction("e-2", InteractionType.Create, "u-1", "i-1", null, At, "Heat pumps", ["energy", "sites"]);

        Assert.Equal(new[] { ("interaction", InteractionV1), ("interaction", CreateV1) },
            new[] { comment, create }.Select(StoredEventFormat.Encode).Select(row => (row.Type, Encoding.UTF8.GetString(row.Data))));
        Assert.Equal(comment, StoredEventFormat.Decode(new JournalEvent("e-1", "interaction", Encoding.UTF8.GetBytes(InteractionV1))));
        var decoded = Assert.IsType<Interaction>(StoredEventFormat.Decode(new JournalEvent("e-2", "interaction", Encoding.UTF8.GetBytes(CreateV1))));
        Assert.Equal(["energy", "sites"], decoded.Tags!);
        Assert.Equal(create with { Tags = decoded.Tags }, decoded);
    }

    [Fact]
    public void Every_interaction_type_keeps_its_stored_name()
    {
        string[] names = ["create", "comment", "like", "edit", "share", "view", "follow", "unfollow"];
        foreach (var type in Enum.GetValues<InteractionType>())
        {
            var row = StoredEventFormat.Encode(new Interaction("e", type, "u", "i", null, At));
            Assert.Contains($"\"type\":\"{names[(int)type]}\"", Encoding.UTF8.GetString(row.Data));
            Assert.Equal(type, Assert.IsType<Interaction>(StoredEventFormat.Decode(row)).Type);
        }
    }

    [Fact]
    public void A_profile_change_is_stored_as_version_2_with_the_opt_out()
    {
        var updated = new ProfileUpdated("p-1", new UserProfile("Aino", "FI", null, null, "R&D", Suggestions: false), At.AddMinutes(30));

        var row = StoredEventFormat.Encode(updated);

        Assert.Equal(("profile-updated-2", ProfileUpdatedV2), (row.Type, Encoding.UTF8.GetString(row.Data)));
        Assert.Equal(updated, StoredEventFormat.Decode(row));
    }

    [Fact]
    public void A_version_1_profile_change_reads_with_suggestions_on()
    {
        var decoded = StoredEventFormat.Decode(new JournalEvent("p-1", "profile-updated", Encoding.UTF8.GetBytes(ProfileUpdatedV1)));

        Assert.Equal(new ProfileUpdated("p-1", new UserProfile("Aino", "FI", null, null, "R&D", Suggestions: true), At.AddMinutes(30)), decoded);
    }

    [Theory]
    [InlineData("interaction", """{"eventId":"e-1","type":"applaud","userId":"u-1","ideaId":"i-1","occurredAt":"2026-11-20T09:30:00+00:00"}""", "applaud")]
    [InlineData("interaction", "null", "null")]
    [InlineData("idea-renamed", "{}", "idea-renamed")]
    public void A_row_this_build_cannot_read_is_refused_by_name(string type, string json, string named)
    {
        var refused = Assert.Throws<InvalidDataException>(() => StoredEventFormat.Decode(new JournalEvent("e-1", type, Encoding.UTF8.GetBytes(json))));
        Assert.Contains(named, refused.Message);
        Assert.Contains("e-1", refused.Message);
    }
}
