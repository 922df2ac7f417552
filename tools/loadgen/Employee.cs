namespace Collaboration.LoadGen;

/// <summary>One row of the directory; the fields index into <see cref="Catalog"/>.</summary>
public readonly record struct Employee(string UserId, string DisplayName, int Country, int Site, int Department, int Function, Role Role)
{
    public string CountryCode => Catalog.Countries[Country].Code;
    public string SiteName => Catalog.Countries[Country].Sites[Site];
    public string DepartmentName => Catalog.Departments[Department].Name;
    public string FunctionName => Catalog.Functions[Function];
}
