using System.CommandLine;
using Ppml.Cli.Handlers;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Commands;

/// <summary><c>ppml kms key create|list|rotate|disable</c>, plus the server commands of <see cref="KmsServerCommands"/>.</summary>
internal static class KmsCommands
{
    public static Command Create(CliContext context)
    {
        var kms = new Command("kms", "Manage keys in a KMS (the workspace's local store by default).");
        var key = new Command("key", "Primary keys: create, list, rotate.");

        key.Subcommands.Add(CreateKeyCreateCommand(context));
        key.Subcommands.Add(CreateKeyCommand(context, "rotate", "Add a new version to a primary key; old versions still unwrap.", (h, t, n, j, c) => h.RotateAsync(t, n, j, c)));

        key.Subcommands.Add(CreateKeyCommand(context, "disable", "Disable a primary key on a KMS server (admin): no more data keys or unwraps.", (h, t, n, j, c) => h.DisableAsync(t, n, j, c)));

        KmsTargetOptions target = new();
        Option<bool> json = CommonOptions.Json();
        var list = new Command("list", "List primary keys.") { json };
        target.AddTo(list);
        list.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new KmsKeyHandler(context).ListAsync(target.Read(parse), parse.GetValue(json), cancellationToken)));
        key.Subcommands.Add(list);

        kms.Subcommands.Add(key);
        KmsServerCommands.AddTo(kms, context);
        return kms;
    }

    private static Command CreateKeyCreateCommand(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "Key name: letters, digits, '.', '_' or '-'." };
        var releasePolicy = new Option<string?>("--release-policy") { Description = "JSON release policy file (KMS server only): data keys are released only to attested TEEs." };
        var allowApp = new Option<string[]>("--allow-app") { Description = "Application allowed to use the key (KMS server only); repeat for several." };
        KmsTargetOptions target = new();
        Option<bool> json = CommonOptions.Json();
        var command = new Command("create", "Create a primary key.") { name, releasePolicy, allowApp, json };
        target.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new KmsKeyHandler(context).CreateAsync(
                target.Read(parse), parse.GetRequiredValue(name), parse.GetValue(json), cancellationToken, parse.GetValue(releasePolicy), parse.GetValue(allowApp))));
        return command;
    }

    private static Command CreateKeyCommand(
        CliContext context,
        string verb,
        string description,
        Func<KmsKeyHandler, KmsTarget, string, bool, CancellationToken, Task<int>> run)
    {
        var name = new Argument<string>("name") { Description = "Key name: letters, digits, '.', '_' or '-'." };
        KmsTargetOptions target = new();
        Option<bool> json = CommonOptions.Json();
        var command = new Command(verb, description) { name, json };
        target.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            run(
                new KmsKeyHandler(context),
                target.Read(parse),
                parse.GetRequiredValue(name),
                parse.GetValue(json),
                cancellationToken)));
        return command;
    }
}
