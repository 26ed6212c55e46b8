using System.CommandLine;
using Ppml.Workloads.Programs;

namespace Ppml.Cli.Submit;

/// <summary><c>ppml submit App.dll [ARGS...]</c>: run the user's own program as an attested workload, as spark-submit runs a job.</summary>
internal static class SubmitCommands
{
    public static Command Create(CliContext context)
    {
        var application = new Argument<string>("application") { Description = "The program: an App.dll built against the Ppml.Workloads package." };
        var arguments = new Argument<string[]>("arguments") { Description = "Arguments for the program (put ppml's options before the program).", Arity = ArgumentArity.ZeroOrMore };
        var signed = new Option<string?>("--signed")
        {
            Description = "The program's signed measurement (ppml enclave sign --app DIR --out FILE); default: HOME/enclave/<App>.sig.json when it exists.",
        };
        Option<string?> key = CommonOptions.Key();
        KmsTargetOptions kms = new(workload: true);
        var command = new Command("submit", "Run your own .NET program as an attested workload: it gets the workspace, the KMS, its API key and its signed measurement, and ppml returns its exit code.")
        {
            application, arguments, signed, key,
        };
        kms.AddTo(command);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
        {
            var start = new WorkloadProgramStart(
                parse.GetRequiredValue(application),
                parse.GetValue(arguments) ?? [],
                kms.Read(parse) with { DefaultKey = parse.GetValue(key), SignedEnclave = parse.GetValue(signed) });
            return WorkloadProgram.RunAsync(context, start, context.Output, context.Error, cancellationToken);
        }));
        return command;
    }
}
