using System.Globalization;

namespace Collaboration.LoadGen;

/// <summary>Shares of audience, editors and creators among employees, written as <c>90-9-1</c>.</summary>
public sealed record ParticipationMix(double Audience, double Editors, double Creators)
{
    public static readonly ParticipationMix Default = new(90, 9, 1);

    public static ParticipationMix Parse(string text) =>
        TryParse(text, out var mix) ? mix : throw new FormatException($"a mix is audience-editors-creators such as 90-9-1, got '{text}'");

    public static bool TryParse(string text, out ParticipationMix mix)
    {
        var numbers = text.Split('-').Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : -1).ToArray();
        var valid = numbers.Length == 3 && numbers.All(n => n >= 0) && numbers.Sum() > 0;
        mix = valid ? new ParticipationMix(numbers[0], numbers[1], numbers[2]) : Default;
        return valid;
    }

    /// <summary>How many of <paramref name="employees"/> get each role; a non-zero share gets at least one person.</summary>
    public (int Audience, int Editors, int Creators) Split(int employees)
    {
        var total = Audience + Editors + Creators;
        int Share(double part) => part == 0 ? 0 : Math.Max(1, (int)Math.Round(employees * part / total));
        var creators = Math.Min(employees, Share(Creators));
        var editors = Math.Min(employees - creators, Share(Editors));
        return (employees - creators - editors, editors, creators);
    }

    public override string ToString() => FormattableString.Invariant($"{Audience}-{Editors}-{Creators}");
}
