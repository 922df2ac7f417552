// Lets the tests start the real application with WebApplicationFactory<Program>.
public partial class Program;
