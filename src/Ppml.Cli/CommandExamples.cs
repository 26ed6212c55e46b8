using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace Ppml.Cli;

/// <summary>
/// Examples shown at the end of a command's <c>--help</c>, so the help teaches a whole use, not just the options.
/// Each example is one <c>ppml ...</c> command line (a test parses every one against the command tree), optionally
/// followed by <c>  # comment</c>.
/// </summary>
internal static class CommandExamples
{
    private const string CommentMarker = "  # ";

    private static readonly ConditionalWeakTable<Command, string[]> s_examples = [];

    /// <summary>Attaches <paramref name="examples"/> to <paramref name="command"/>'s help.</summary>
    public static TCommand WithExamples<TCommand>(this TCommand command, params string[] examples)
        where TCommand : Command
    {
        s_examples.AddOrUpdate(command, examples);
        return command;
    }

    /// <summary>The examples of <paramref name="command"/> (empty when it has none).</summary>
    public static IReadOnlyList<string> Get(Command command) =>
        s_examples.TryGetValue(command, out string[]? examples) ? examples : [];

    /// <summary>The command line of an example, without its comment.</summary>
    public static string CommandLine(string example)
    {
        int comment = example.IndexOf(CommentMarker, StringComparison.Ordinal);
        return (comment < 0 ? example : example[..comment]).TrimEnd();
    }

    /// <summary>Makes every command's <c>--help</c> end with its examples.</summary>
    public static void Install(RootCommand root)
    {
        HelpOption help = root.Options.OfType<HelpOption>().Single();
        help.Action = new ExamplesHelpAction((HelpAction)help.Action!);
    }

    /// <summary>The standard help, then the command's examples.</summary>
    private sealed class ExamplesHelpAction(HelpAction help) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => help.ClearsParseErrors;

        public override int Invoke(ParseResult parseResult)
        {
            int result = help.Invoke(parseResult);
            IReadOnlyList<string> examples = Get(parseResult.CommandResult.Command);
            if (examples.Count > 0)
            {
                TextWriter output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (string example in examples)
                {
                    output.WriteLine("  " + example);
                }

                output.WriteLine();
            }

            return result;
        }
    }
}
