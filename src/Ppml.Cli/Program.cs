using Ppml.Cli;

return await PpmlCommand.RunAsync(args, CliContext.FromConsole());
