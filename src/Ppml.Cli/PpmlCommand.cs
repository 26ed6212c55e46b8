using System.CommandLine;

namespace Ppml.Cli;

/// <summary>Builds the <c>ppml</c> command tree and runs it.</summary>
internal static class PpmlCommand
{
    public static RootCommand Create(CliContext context)
    {
        var root = new RootCommand(
            "PPML for .NET: privacy-preserving analytics and machine learning. Data stays encrypted at rest; keys are released only to attested code.")
        {
            CommonOptions.Home,
        };
        root.Subcommands.Add(Workspace.WorkspaceCommands.CreateInit(context));
        root.Subcommands.Add(Crypt.CryptCommands.CreateEncrypt(context));
        root.Subcommands.Add(Crypt.CryptCommands.CreateDecrypt(context));
        root.Subcommands.Add(Keys.KeysCommands.Create(context));
        root.Subcommands.Add(Keys.KeysCommands.CreatePassword(context));
        root.Subcommands.Add(Kms.KmsCommands.Create(context));
        root.Subcommands.Add(Enclave.EnclaveCommands.Create(context));
        root.Subcommands.Add(Attest.AttestCommands.Create(context));
        root.Subcommands.Add(Sql.SqlCommands.Create(context));
        root.Subcommands.Add(Examples.ExamplesCommands.Create(context));
        root.Subcommands.Add(Learning.LearningCommands.CreateTrain(context));
        root.Subcommands.Add(Learning.LearningCommands.CreateEvaluate(context));
        root.Subcommands.Add(Learning.LearningCommands.CreatePredict(context));
        root.Subcommands.Add(Learning.LearningCommands.CreateDatasets(context));
        root.Subcommands.Add(Tpch.TpchCommands.Create(context));
        root.Subcommands.Add(Submit.SubmitCommands.Create(context));
        root.Subcommands.Add(Quickstart.QuickstartCommands.Create(context));
        HelpExamples.AttachTo(root);
        CommandExamples.Install(root);
        return root;
    }

    /// <summary>Parses and invokes; parse errors print to stderr and return 2.</summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        RootCommand root = Create(context);
        ParseResult parse = root.Parse(args);
        // No ProcessTerminationTimeout: System.CommandLine's own Ctrl-C handling returns 130 after 2 s even while the
        // command is still cleaning up (issue 11: no message, an OUT.tmp-* left). Program turns SIGINT/SIGTERM into
        // cancellationToken instead, and the command always finishes its cleanup and prints "ppml: cancelled.".
        var configuration = new InvocationConfiguration { Output = context.Output, Error = context.Error, ProcessTerminationTimeout = null };
        if (parse.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parse.Errors)
            {
                await context.Error.WriteLineAsync($"ppml: {Friendly(error.Message)}");
            }

            await context.Error.WriteLineAsync("Run 'ppml --help' (or 'ppml COMMAND --help') for usage.");
            return ExitCodes.InvalidInput;
        }

        return await parse.InvokeAsync(configuration, cancellationToken);
    }

    /// <summary>System.CommandLine names .NET types in conversion errors; a user reads "a whole number" instead.</summary>
    private static string Friendly(string message)
    {
        System.Text.RegularExpressions.Match match = System.Text.RegularExpressions.Regex.Match(
            message, "^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\\.?$");
        if (!match.Success)
        {
            return message;
        }

        string type = match.Groups["type"].Value;
        string expected = type.Contains("Int", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) || type.Contains("Decimal", StringComparison.Ordinal) ? "a number"
            : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
            : "a valid value";
        return $"{match.Groups["option"].Value}: '{match.Groups["value"].Value}' is not {expected}.";
    }
}
