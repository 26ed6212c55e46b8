using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ppml.Quickstart;

namespace Ppml.Cli.Quickstart;

/// <summary><c>ppml quickstart</c>: runs <see cref="QuickstartTour"/> and prints each step as it passes, then the verdict.</summary>
internal static class QuickstartCommands
{
    public static Command Create(CliContext context)
    {
        var keep = new Option<string?>("--keep") { Description = "Run in this (empty) directory and keep it (data, workspace, results), instead of a temporary one." };
        Option<bool> json = CommonOptions.Json();
        var quickstart = new Command("quickstart", "Run the whole tour on embedded sample data in a fresh temporary workspace (no network).") { keep, json };
        quickstart.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            RunAsync(context, parse.GetValue(keep), parse.GetValue(json), cancellationToken)));
        return quickstart;
    }

    private static async Task<int> RunAsync(CliContext context, string? keepDirectory, bool json, CancellationToken cancellationToken)
    {
        string root = keepDirectory is null ? Directory.CreateTempSubdirectory("ppml-quickstart-").FullName : context.ResolvePath(keepDirectory);
        if (keepDirectory is not null && Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw CliException.Usage($"--keep directory '{root}' must be empty or absent.");
        }

        QuickstartReport report;
        try
        {
            if (!json)
            {
                await context.Output.WriteLineAsync($"PPML quickstart in {root}");
            }

            var tour = new QuickstartTour(context, step =>
            {
                if (!json)
                {
                    context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [ok] {step.Name,-8} {step.Detail} ({step.Milliseconds} ms)"));
                }
            });
            report = await tour.RunAsync(root, cancellationToken);
        }
        finally
        {
            if (keepDirectory is null)
            {
                Directory.Delete(root, recursive: true);
            }
        }

        string? failure = report.Failure is null ? null : CommandRunner.Describe(report.Failure).Message;
        if (json)
        {
            QuickstartReport shown = failure is null ? report : report with { Steps = [.. report.Steps, new QuickstartStep("failed", false, 0, failure)] };
            await context.Output.WriteLineAsync(JsonSerializer.Serialize(shown, CliJsonContext.Default.QuickstartReport));
        }
        else
        {
            double total = report.Steps.Sum(s => s.Milliseconds) / 1000.0;
            await context.Output.WriteLineAsync(failure is null
                ? string.Create(CultureInfo.InvariantCulture, $"Quickstart passed: {report.Steps.Count} steps in {total:0.0} s. Next: ppml quickstart --keep DIR, then try ppml sql, ppml train lenet and ppml submit in DIR (see README).")
                : $"Quickstart FAILED: {failure}");
        }

        return failure is null ? ExitCodes.Success : ExitCodes.Failure;
    }
}
