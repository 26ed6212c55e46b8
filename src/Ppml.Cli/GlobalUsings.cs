// The options every noun shares and the output helpers every handler prints with.
global using Ppml.Cli.Options;
global using Ppml.Cli.Output;
