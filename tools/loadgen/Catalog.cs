namespace Collaboration.LoadGen;

/// <summary>
/// The fixed vocabulary of the generated company. Lists are ordered from the most to the least common entry, because
/// the generator draws from them with Zipf-like weights.
/// </summary>
public static class Catalog
{
    /// <summary>ISO 3166 alpha-2 codes and their sites.</summary>
    public static readonly (string Code, string[] Sites)[] Countries =
    [
        ("FI", ["Helsinki", "Espoo", "Tampere", "Oulu"]),
        ("IN", ["Bengaluru", "Pune", "Chennai", "Hyderabad"]),
        ("US", ["Austin", "Boston", "San Jose", "Chicago"]),
        ("DE", ["Munich", "Berlin", "Hamburg"]),
        ("SE", ["Stockholm", "Gothenburg"]),
        ("CN", ["Shanghai", "Shenzhen", "Beijing"]),
        ("PL", ["Wroclaw", "Krakow"]),
        ("GB", ["London", "Cambridge"]),
        ("FR", ["Paris", "Lyon"]),
        ("BR", ["Sao Paulo", "Campinas"]),
        ("MX", ["Guadalajara", "Monterrey"]),
        ("JP", ["Tokyo", "Osaka"]),
        ("NL", ["Amsterdam", "Eindhoven"]),
        ("ES", ["Madrid", "Barcelona"]),
        ("IT", ["Milan", "Rome"]),
        ("CA", ["Toronto", "Ottawa"]),
        ("AU", ["Sydney", "Melbourne"]),
        ("NO", ["Oslo"]),
        ("DK", ["Copenhagen"]),
        ("EE", ["Tallinn"]),
        ("HU", ["Budapest"]),
        ("CZ", ["Prague", "Brno"]),
        ("PT", ["Lisbon", "Porto"]),
        ("SG", ["Singapore"]),
        ("ZA", ["Johannesburg"]),
    ];

    public static readonly string[] Functions =
    [
        "Engineering", "Sales", "Operations", "Support", "Product", "Marketing",
        "Finance", "Data", "People", "Design", "Legal", "Management",
    ];

    /// <summary>Departments with the function most of their people have.</summary>
    public static readonly (string Name, int Function)[] Departments =
    [
        ("R&D", 0), ("Sales", 1), ("Manufacturing", 2), ("Customer Service", 3), ("Platform", 0),
        ("Product Management", 4), ("Field Services", 3), ("Supply Chain", 2), ("Marketing", 5), ("IT", 0),
        ("Cloud Services", 0), ("Finance", 6), ("Data & Analytics", 7), ("Quality", 2), ("HR", 8),
        ("Mobile", 0), ("Logistics", 2), ("Procurement", 6), ("Design", 9), ("Security", 0),
        ("Partnerships", 1), ("Research", 7), ("Communications", 5), ("Legal", 10), ("Training", 8),
        ("Strategy", 11), ("Facilities", 2), ("Compliance", 10), ("Sustainability", 4), ("Executive Office", 11),
    ];

    public static readonly string[] FirstNames =
    [
        "Aino", "Priya", "James", "Anna", "Wei", "Lukas", "Maria", "Rahul", "Emma", "Mateus", "Yuki", "Olivia",
        "Mikko", "Sofia", "Arjun", "Lena", "Chen", "Lucas", "Ingrid", "Diego", "Hanna", "Kenji", "Zofia", "Noah",
        "Elif", "Jonas", "Ana", "Ravi", "Sara", "Tomas", "Mei", "Oskar", "Chloe", "Pedro", "Freya", "Amit",
        "Laura", "Jakub", "Nora", "Thabo",
    ];

    public static readonly string[] LastNames =
    [
        "Virtanen", "Rao", "Smith", "Muller", "Wang", "Korhonen", "Garcia", "Sharma", "Andersson", "Silva",
        "Tanaka", "Nowak", "Brown", "Martin", "Li", "Nieminen", "Schmidt", "Kumar", "Johansson", "Rossi",
        "Lopez", "Sato", "Dubois", "Jensen", "Kowalski", "Hansen", "Tamm", "Nagy", "Novak", "Santos",
        "Tan", "Dlamini", "Wilson", "de Vries", "Fernandez", "Berg", "Lahtinen", "Iyer", "Zhang", "Olsen",
    ];

    public static readonly string[] TitleVerbs =
    [
        "Automate", "Simplify", "Share", "Measure", "Reduce", "Rethink", "Open up", "Reuse", "Speed up", "Pilot",
    ];

    public static readonly string[] TitleSubjects =
    [
        "travel claims", "onboarding", "test rigs", "meeting rooms", "code reviews", "energy use", "spare parts",
        "customer visits", "release notes", "shift planning", "lab bookings", "packaging", "supplier audits",
        "internal training", "cloud costs",
    ];

    public static readonly string[] TitleTargets =
    [
        "for every site", "for new hires", "across countries", "with our customers", "in the factories",
        "for remote teams", "before year end", "with partners",
    ];

    /// <summary>Idea tags, most used first (<see cref="IdeaBoard"/> picks them by a Zipf law over this order).</summary>
    public static readonly string[] Tags =
    [
        "process", "energy", "tooling", "customers", "quality", "cost", "sustainability", "ai", "wellbeing",
        "travel", "learning", "security",
    ];
}
