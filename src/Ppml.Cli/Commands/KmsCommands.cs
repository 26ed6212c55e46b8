using System.CommandLine;
using Ppml.Cli.Handlers;

namespace Ppml.Cli.Commands;

/// <summary><c>ppml kms key create|list|rotate</c>.</summary>
internal static class KmsCommands
{
    public static Command Create(CliContext context)
    {
        var kms = new Command("kms", "Manage keys in a KMS (the workspace's local store by default).");
        var key = new Command("key", "Primary keys: create, list, rotate.");

        key.Subcommands.Add(CreateKeyCommand(context, "create", "Create a primary key.", (h, t, n, j, c) => h.CreateAsync(t, n, j, c)));
        key.Subcommands.Add(CreateKeyCommand(context, "rotate", "Add a new version to a primary key; old versions still unwrap.", (h, t, n, j, c) => h.RotateAsync(t, n, j, c)));

        Option<string?> kmsUri = CommonOptions.Kms();
        Option<string?> passwordFile = CommonOptions.KmsPasswordFile();
        Option<bool> json = CommonOptions.Json();
        var list = new Command("list", "List primary keys.") { kmsUri, passwordFile, json };
        list.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new KmsKeyHandler(context).ListAsync(
                new KmsTarget(parse.GetValue(CommonOptions.Home), parse.GetValue(kmsUri), parse.GetValue(passwordFile)), parse.GetValue(json), cancellationToken)));
        key.Subcommands.Add(list);

        kms.Subcommands.Add(key);
        return kms;
    }

    private static Command CreateKeyCommand(
        CliContext context,
        string verb,
        string description,
        Func<KmsKeyHandler, KmsTarget, string, bool, CancellationToken, Task<int>> run)
    {
        var name = new Argument<string>("name") { Description = "Key name: letters, digits, '.', '_' or '-'." };
        Option<string?> kmsUri = CommonOptions.Kms();
        Option<string?> passwordFile = CommonOptions.KmsPasswordFile();
        Option<bool> json = CommonOptions.Json();
        var command = new Command(verb, description) { name, kmsUri, passwordFile, json };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            run(
                new KmsKeyHandler(context),
                new KmsTarget(parse.GetValue(CommonOptions.Home), parse.GetValue(kmsUri), parse.GetValue(passwordFile)),
                parse.GetRequiredValue(name),
                parse.GetValue(json),
                cancellationToken)));
        return command;
    }
}
