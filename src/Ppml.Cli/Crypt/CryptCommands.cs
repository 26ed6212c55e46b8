using System.CommandLine;
using Ppml.Crypto.Container;

namespace Ppml.Cli.Crypt;

/// <summary><c>ppml encrypt</c> and <c>ppml decrypt</c>.</summary>
internal static class CryptCommands
{
    public static Command CreateEncrypt(CliContext context)
    {
        (Command command, Option<string> input, Option<string> output, KmsTargetOptions kms, Option<bool> force, Option<bool> json) = Create(
            "encrypt", "Envelope-encrypt a file or a directory tree into PPML containers (one fresh data key per file; '.ppml' appended).");
        Option<string?> key = CommonOptions.Key();
        var segmentSize = new Option<int?>("--segment-size")
        {
            Description = $"Plaintext bytes per authenticated segment, {ContainerOptions.MinSegmentSize} to {ContainerOptions.MaxSegmentSize} (default 1 MiB).",
        };
        segmentSize.Validators.Add(result =>
        {
            // Read the token, not the value: a validator also runs when conversion failed, and GetValueOrDefault then throws.
            if (result.Tokens is [.., var token] && int.TryParse(token.Value, System.Globalization.CultureInfo.InvariantCulture, out int size)
                && size is < ContainerOptions.MinSegmentSize or > ContainerOptions.MaxSegmentSize)
            {
                result.AddError($"--segment-size {size}: must be between {ContainerOptions.MinSegmentSize} and {ContainerOptions.MaxSegmentSize} bytes.");
            }
        });
        command.Options.Add(key);
        command.Options.Add(segmentSize);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new CryptHandler(context).RunAsync(
            encrypt: true, parse.GetRequiredValue(input), parse.GetRequiredValue(output), kms.Read(parse), parse.GetValue(force), parse.GetValue(json),
            key: parse.GetValue(key), segmentSize: parse.GetValue(segmentSize), cancellationToken: cancellationToken)));
        return command;
    }

    public static Command CreateDecrypt(CliContext context)
    {
        (Command command, Option<string> input, Option<string> output, KmsTargetOptions kms, Option<bool> force, Option<bool> json) = Create(
            "decrypt", "Decrypt a PPML container or a tree of them ('.ppml' stripped); nothing is written unless every byte authenticates.");
        var attest = new Option<bool>("--attest")
        {
            Description = "Require attestation (the default with a KMS server: keys are released only to attested code, encrypted to a key that lives in this process's memory).",
        };
        var policy = new Option<string?>("--policy") { Description = "Attestation policy id (default: the one the key's release policy names)." };
        var owner = new Option<bool>("--owner")
        {
            Description = "Decrypt as the data owner, without a TEE: the KMS hands plaintext data keys of a guarded key only to its readers (or an admin key).",
        };
        command.Options.Add(attest);
        command.Options.Add(policy);
        command.Options.Add(owner);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new CryptHandler(context).RunAsync(
            encrypt: false, parse.GetRequiredValue(input), parse.GetRequiredValue(output), kms.Read(parse) with { Policy = parse.GetValue(policy) }, parse.GetValue(force),
            parse.GetValue(json), attest: parse.GetValue(attest), owner: parse.GetValue(owner), cancellationToken: cancellationToken)));
        return command;
    }

    /// <summary>The options both share: --in, --out, the KMS target, --force, --json.</summary>
    private static (Command, Option<string>, Option<string>, KmsTargetOptions, Option<bool>, Option<bool>) Create(string name, string description)
    {
        var input = new Option<string>("--in") { Description = "Input file or directory ('-', standard input, is not supported).", Required = true };
        var output = new Option<string>("--out")
        {
            Description = "Output file or directory. For one input file: 'DIR/' or an existing directory puts the output inside it; '-' writes to standard output " +
                "(decrypt authenticates the whole container first; the report line goes to stderr). A symbolic link is written through, never replaced; " +
                "a FIFO or character device (/dev/null, /dev/stdout) is streamed into without --force; a dangling link, block device or socket is refused.",
            Required = true,
        };
        KmsTargetOptions kms = new();
        Option<bool> force = CommonOptions.Force("the output");
        Option<bool> json = CommonOptions.Json();
        var command = new Command(name, description) { input, output };
        kms.AddTo(command);
        command.Options.Add(force);
        command.Options.Add(json);
        return (command, input, output, kms, force, json);
    }
}
