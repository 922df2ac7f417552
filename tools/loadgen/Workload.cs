namespace Collaboration.LoadGen;

/// <summary>The <c>generate</c> command: the company, its events, then the answers folded from what was written.</summary>
public static class Workload
{
    public static ExpectedAnswers Generate(GenerateOptions options, TextWriter? log = null)
    {
        options.Validate();
        var files = new GeneratedFiles(options.Out);
        Directory.CreateDirectory(files.Folder);
        var random = new Random(options.Seed);

        var company = Company.Generate(options.Employees, options.Mix, random);
        company.WriteDirectoryCsv(files.Directory);
        var board = IdeaBoard.Plan(company.Employees, options.Ideas, options.Days, random);
        var generator = new EventGenerator(options, company, board, random);
        using (var writer = new DeliveryWriter(files.Events, options, company, board, generator.Estimate()))
        {
            generator.Run(writer.Write);
            log?.WriteLine($"wrote {options.Employees:N0} employees, {options.Ideas:N0} ideas, {board.ThreadCount:N0} threads, {writer.Events:N0} events");
        }

        // The answers come from reading the files back, not from the generator's own bookkeeping.
        var fold = System.Diagnostics.Stopwatch.StartNew();
        var expected = ExpectedFold.Compute(files.Events, files.Directory, options.Now);
        expected.Save(files.Expected);
        log?.WriteLine($"wrote {expected.Lines:N0} event lines ({expected.Lines - expected.Events:N0} repeated) and the expected answers " +
            $"(folded in {fold.Elapsed.TotalSeconds:F1} s) to {files.Folder}");
        return expected;
    }
}
