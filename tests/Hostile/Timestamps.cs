using System.Globalization;
using Collaboration.Tests.Support;
using CsCheck;

namespace Collaboration.Tests.Hostile;

/// <summary>occurredAt values: valid ones in every RFC 3339 spelling, and the edges of the contract (the clock stands at <see cref="Make.Noon"/>).</summary>
public static class Timestamps
{
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = Make.Noon.AddMinutes(5);

    private static readonly Gen<DateTimeOffset> Instants = Gen.Frequency(
        (6, Gen.Long[0, TimeSpan.FromDays(90).Ticks].Select(ago => Make.Noon.AddTicks(-ago))),
        (2, Gen.Long[0, (Latest - Earliest).Ticks].Select(ticks => Earliest.AddTicks(ticks))),
        (1, Gen.OneOf(Earliest, Latest, Make.Noon)));

    /// <summary>Offsets from -12:00 to +14:00 in quarter hours.</summary>
    private static readonly Gen<TimeSpan> Offsets = Gen.Int[-48, 56].Select(quarters => TimeSpan.FromMinutes(15 * quarters));

    /// <summary>A valid instant written with an offset or Z, upper or lower case, and 0 to 7 fraction digits (truncated, so never later).</summary>
    public static readonly Gen<string> Valid = Gen.Select(Instants, Offsets, Gen.Int[0, 7], Gen.Int[0, 3], Write);

    public static readonly (string Text, Expect Expect)[] Edges =
    [
        ("0001-01-01T00:00:00Z", Expect.Reject("occurredAt")),
        ("0001-01-01T00:00:00+14:00", Expect.Reject("occurredAt")),
        ("0001-01-01T00:00:00-12:00", Expect.Reject("occurredAt")),
        ("9999-12-31T23:59:59Z", Expect.Reject("occurredAt")),
        ("9999-12-31T23:59:59.9999999Z", Expect.Reject("occurredAt")),
        ("9999-12-31T23:59:59-12:00", Expect.Reject("occurredAt")),
        ("9999-12-31T23:59:59+14:00", Expect.Reject("occurredAt")),
        ("1999-12-31T23:59:59Z", Expect.Reject("occurredAt")),
        ("1999-12-31T23:59:59.9999999Z", Expect.Reject("occurredAt")),
        ("2000-01-01T00:00:00Z", Expect.Accept),
        ("2000-01-01T00:00:00.000Z", Expect.Accept),
        ("2000-01-01T09:00:00+09:00", Expect.Accept),
        ("2000-01-01T08:59:59+09:00", Expect.Reject("occurredAt")),
        ("1999-12-31T19:00:00-05:00", Expect.Accept),
        ("2026-11-26T12:05:00Z", Expect.Accept),
        ("2026-11-26T12:05:00.0000001Z", Expect.Reject("occurredAt")),
        ("2026-11-26T12:05:01Z", Expect.Reject("occurredAt")),
        ("2026-11-27T02:05:00+14:00", Expect.Accept),
        ("2026-11-27T02:05:00.0000001+14:00", Expect.Reject("occurredAt")),
        ("2026-11-26T00:05:00-12:00", Expect.Accept),
        ("2026-11-26T00:05:00.0000001-12:00", Expect.Reject("occurredAt")),
        ("2016-12-31T23:59:60Z", new Expect(null, "occurredAt")),
        ("2026-06-30T23:59:60+00:00", new Expect(null, "occurredAt")),
        ("2026-11-26T09:30:00.123456789Z", new Expect(null, "occurredAt")),
        ("2026-11-26T09:30:00.1234567Z", Expect.Accept),
        ("2026-11-26t09:30:00z", Expect.Accept),
        ("2026-11-26T09:30:00+00:00", Expect.Accept),
        ("2026-11-26T09:30:00-00:00", new Expect(null, "occurredAt")),
        ("2026-11-26T09:30:00+14:01", new Expect(null, "occurredAt")),
        ("2026-11-26T09:30:00+23:59", new Expect(null, "occurredAt")),
        ("2026-11-26 09:30:00Z", Expect.Reject("occurredAt")),
        ("2026-11-26T09:30Z", Expect.Reject("occurredAt")),
        ("2026-11-26T09:30:00", Expect.Reject("occurredAt")),
        ("2026-11-26T09:30:00+0530", Expect.Reject("occurredAt")),
        ("2026-11-26T09:30:00+05", Expect.Reject("occurredAt")),
        ("2026-11-26T09:30:00+24:00", Expect.Reject("occurredAt")),
        ("2026-02-29T09:30:00Z", Expect.Reject("occurredAt")),
        ("2024-02-29T09:30:00Z", Expect.Accept),
        ("2026-13-01T00:00:00Z", Expect.Reject("occurredAt")),
        ("2026-11-31T00:00:00Z", Expect.Reject("occurredAt")),
        ("2026-11-26T24:00:00Z", Expect.Reject("occurredAt")),
        ("2026-11-26T23:60:00Z", Expect.Reject("occurredAt")),
        ("+2026-11-26T09:30:00Z", Expect.Reject("occurredAt")),
        ("２０２６-11-26T09:30:00Z", Expect.Reject("occurredAt")),
        ("٢٠٢٦-11-26T09:30:00Z", Expect.Reject("occurredAt")),
        ("2026-11-26T09:30:00Z ", Expect.Reject("occurredAt")),
        (" 2026-11-26T09:30:00Z", Expect.Reject("occurredAt")),
        ("2026-11-26T09:30:00Z\u0000", Expect.Reject("occurredAt")),
        ("2026-11-26T09:30:00.Z", Expect.Reject("occurredAt")),
        ("2026-11-26T09:30:00,5Z", Expect.Reject("occurredAt")),
        ("20261126T093000Z", Expect.Reject("occurredAt")),
        ("2026-W48-4", Expect.Reject("occurredAt")),
        ("0000-01-01T00:00:00Z", Expect.Reject("occurredAt")),
        ("-0001-01-01T00:00:00Z", Expect.Reject("occurredAt")),
        ("10000-01-01T00:00:00Z", Expect.Reject("occurredAt")),
        ("", Expect.Reject("occurredAt")),
    ];

    private static string Write(DateTimeOffset instant, TimeSpan offset, int fractionDigits, int style)
    {
        var local = instant.ToOffset(style < 2 ? TimeSpan.Zero : offset);
        var fraction = fractionDigits == 0 ? "" : "." + (local.Ticks % TimeSpan.TicksPerSecond).ToString("0000000")[..fractionDigits];
        var zone = style switch
        {
            0 => "Z",
            1 => "z",
            _ => local.ToString("zzz", CultureInfo.InvariantCulture),
        };
        var text = local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + fraction + zone;
        return style == 1 ? text.Replace('T', 't') : text;
    }
}
