using System.CommandLine;
using Ppml.Cli.Handlers;

namespace Ppml.Cli.Commands;

/// <summary><c>ppml quickstart</c>.</summary>
internal static class QuickstartCommands
{
    public static Command Create(CliContext context)
    {
        var keep = new Option<string?>("--keep") { Description = "Run in this (empty) directory and keep it, instead of a temporary one." };
        Option<bool> json = CommonOptions.Json();
        var quickstart = new Command("quickstart", "Run the whole tour on embedded sample data in a fresh temporary workspace (no network).") { keep, json };
        quickstart.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new QuickstartHandler(context).RunAsync(parse.GetValue(keep), parse.GetValue(json), cancellationToken)));
        return quickstart;
    }
}
