using CsvHelper;

namespace Collaboration.LoadGen;

/// <summary>
/// The generated employees. Countries, sites and departments are Zipf-skewed; most people in a department have its
/// usual function. Roles (audience, editor, creator) are spread at random so every group has all three.
/// </summary>
public sealed class Company
{
    /// <summary>How often someone works in a function other than their department's usual one.</summary>
    private const double OtherFunctionShare = 0.2;

    private Company(Employee[] employees) => Employees = employees;

    public Employee[] Employees { get; }

    public static Company Generate(int count, ParticipationMix mix, Random random)
    {
        var countries = WeightedPicker.Zipf(Catalog.Countries.Length, 1.1);
        var sites = Catalog.Countries.Select(c => WeightedPicker.Zipf(c.Sites.Length, 1.0)).ToArray();
        var departments = WeightedPicker.Zipf(Catalog.Departments.Length, 0.8);
        var functions = WeightedPicker.Zipf(Catalog.Functions.Length, 0.8);
        var roles = Roles(count, mix, random);
        var digits = Math.Max(6, count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);

        var employees = new Employee[count];
        for (var i = 0; i < count; i++)
        {
            var country = countries.Pick(random);
            var department = departments.Pick(random);
            var function = random.NextDouble() < OtherFunctionShare ? functions.Pick(random) : Catalog.Departments[department].Function;
            var name = $"{Catalog.FirstNames[random.Next(Catalog.FirstNames.Length)]} {Catalog.LastNames[random.Next(Catalog.LastNames.Length)]}";
            employees[i] = new Employee(UserId(i, digits), name, country, sites[country].Pick(random), department, function, roles[i]);
        }
        return new Company(employees);
    }

    public void WriteDirectoryCsv(string path)
    {
        using var writer = CsvWriter.ToFile(path, DirectoryCsv.WriteOptions);
        writer.WriteHeader(DirectoryCsv.Header);
        foreach (var e in Employees)
        {
            writer.WriteRecord([e.UserId, e.DisplayName, e.CountryCode, e.SiteName, e.DepartmentName, e.FunctionName]);
        }
    }

    private static string UserId(int index, int digits) => "u-" + (index + 1).ToString(new string('0', digits), System.Globalization.CultureInfo.InvariantCulture);

    private static Role[] Roles(int count, ParticipationMix mix, Random random)
    {
        var (_, editors, creators) = mix.Split(count);
        var roles = new Role[count];
        Array.Fill(roles, Role.Creator, 0, creators);
        Array.Fill(roles, Role.Editor, creators, editors);
        random.Shuffle(roles);
        return roles;
    }
}
