using System.CommandLine;
using Ppml.Cli.Handlers;

namespace Ppml.Cli.Commands;

/// <summary><c>ppml encrypt</c> and <c>ppml decrypt</c>.</summary>
internal static class CryptCommands
{
    public static Command CreateEncrypt(CliContext context) => Create(
        context,
        "encrypt",
        "Envelope-encrypt a file or a directory tree into PPML containers (one fresh data key per file; '.ppml' appended).",
        encrypt: true);

    public static Command CreateDecrypt(CliContext context) => Create(
        context,
        "decrypt",
        "Decrypt a PPML container or a tree of them ('.ppml' stripped); nothing is written unless every byte authenticates.",
        encrypt: false);

    private static Command Create(CliContext context, string name, string description, bool encrypt)
    {
        var input = new Option<string>("--in") { Description = "Input file or directory.", Required = true };
        var output = new Option<string>("--out") { Description = "Output file or directory.", Required = true };
        KmsTargetOptions kms = new();
        Option<bool> force = CommonOptions.Force("the output");
        Option<bool> json = CommonOptions.Json();
        var command = new Command(name, description) { input, output };
        kms.AddTo(command);
        command.Options.Add(force);
        command.Options.Add(json);
        Option<string?>? key = null;
        Option<int?>? segmentSize = null;
        Option<bool>? attest = null;
        Option<string?>? policy = null;
        Option<bool>? owner = null;
        if (encrypt)
        {
            key = CommonOptions.Key();
            segmentSize = new Option<int?>("--segment-size") { Description = "Plaintext bytes per authenticated segment (default 1 MiB)." };
            command.Options.Add(key);
            command.Options.Add(segmentSize);
        }
        else
        {
            attest = new Option<bool>("--attest")
            {
                Description = "Require attestation (the default with a KMS server: keys are released only to attested code, encrypted to a key that lives in this process's memory).",
            };
            policy = new Option<string?>("--policy") { Description = "Attestation policy id (default: the one the key's release policy names)." };
            owner = new Option<bool>("--owner")
            {
                Description = "Decrypt as the data owner, without a TEE: the KMS hands plaintext data keys of a guarded key only to its readers (or an admin key).",
            };
            command.Options.Add(attest);
            command.Options.Add(policy);
            command.Options.Add(owner);
        }

        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
        {
            var options = new CryptHandler.Options(
                parse.GetRequiredValue(input),
                parse.GetRequiredValue(output),
                kms.Read(parse),
                key is null ? null : parse.GetValue(key),
                parse.GetValue(force),
                segmentSize is null ? null : parse.GetValue(segmentSize),
                parse.GetValue(json),
                attest is not null && parse.GetValue(attest),
                policy is null ? null : parse.GetValue(policy),
                owner is not null && parse.GetValue(owner));
            var handler = new CryptHandler(context);
            return encrypt ? handler.EncryptAsync(options, cancellationToken) : handler.DecryptAsync(options, cancellationToken);
        }));
        return command;
    }
}
