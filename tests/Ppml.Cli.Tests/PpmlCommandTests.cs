using System.CommandLine;
using System.CommandLine.Parsing;

namespace Ppml.Cli.Tests;

public class PpmlCommandTests
{
    public static TheoryData<string> CommandPaths()
    {
        var data = new TheoryData<string>();
        var root = PpmlCommand.Create(new CliContext { Output = TextWriter.Null, Error = TextWriter.Null });
        void Walk(Command command, string prefix)
        {
            // Hidden commands (tpch bench-variant, which the bench starts as its child process) are plumbing, not usage.
            foreach (Command sub in command.Subcommands.Where(c => !c.Hidden))
            {
                string path = (prefix + " " + sub.Name).Trim();
                data.Add(path);
                Walk(sub, path);
            }
        }

        Walk(root, string.Empty);
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public async Task Help_EveryCommand_PrintsUsageAndDescription(string path)
    {
        using var cli = new CliHarness();

        CliResult result = await cli.RunAsync([.. path.Split(' '), "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
        Assert.Contains("Description:", result.Output, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> HelpExamples()
    {
        var data = new TheoryData<string, string>();
        var root = PpmlCommand.Create(new CliContext { Output = TextWriter.Null, Error = TextWriter.Null });
        void Walk(Command command, string path)
        {
            foreach (string example in CommandExamples.Get(command))
            {
                data.Add(path, example);
            }

            foreach (Command sub in command.Subcommands)
            {
                Walk(sub, (path + " " + sub.Name).Trim());
            }
        }

        Walk(root, string.Empty);
        return data;
    }

    [Theory]
    [MemberData(nameof(HelpExamples))]
    public void HelpExample_ParsesToItsCommandWithoutErrors(string path, string example)
    {
        RootCommand root = PpmlCommand.Create(new CliContext { Output = TextWriter.Null, Error = TextWriter.Null });
        string[] words = [.. CommandLineParser.SplitCommandLine(CommandExamples.CommandLine(example))];

        ParseResult parse = root.Parse(words[1..]);

        Assert.Equal("ppml", words[0]);
        Assert.Empty(parse.Errors);
        var names = new List<string>();
        for (CommandResult? result = parse.CommandResult; result?.Parent is CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }

        string parsedPath = string.Join(' ', names);
        Assert.True(parsedPath == path || parsedPath.StartsWith(path + " ", StringComparison.Ordinal), $"'{example}' runs '{parsedPath}'");
    }

    [Fact]
    public async Task Help_Sql_EndsWithExamples()
    {
        using var cli = new CliHarness();

        CliResult result = await cli.RunAsync("sql", "--help");

        Assert.Equal(0, result.ExitCode);
        string examples = result.Output[result.Output.IndexOf("Examples:", StringComparison.Ordinal)..];
        Assert.Contains("  ppml sql \"SELECT name FROM people WHERE age > 20\" --table people=people.json.ppml", examples, StringComparison.Ordinal);
        Assert.True(result.Output.IndexOf("Options:", StringComparison.Ordinal) < result.Output.IndexOf("Examples:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Version_PrintsVersion()
    {
        using var cli = new CliHarness();

        CliResult result = await cli.RunAsync("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Output);
    }

    [Theory]
    [InlineData("encrypt", "--bogus")]
    [InlineData("no-such-command")]
    [InlineData("encrypt")]
    public async Task Parse_BadUsage_Exits2WithHint(params string[] args)
    {
        using var cli = new CliHarness();

        CliResult result = await cli.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--help", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task Quickstart_RunsWholeTour()
    {
        using var cli = new CliHarness();

        CliResult result = await cli.RunAsync("quickstart", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"passed\":true", result.Output, StringComparison.Ordinal);
        foreach (string step in new[] { "init", "encrypt", "decrypt", "verify", "tamper", "kms-serve", "guard", "release", "attested-sql", "attested-train", "tampered", "signer", "lenet", "tpch", "hello", "dot", "sqljob" })
        {
            Assert.Contains($"\"name\":\"{step}\"", result.Output, StringComparison.Ordinal);
        }
    }
}
