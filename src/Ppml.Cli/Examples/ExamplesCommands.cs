using System.CommandLine;
using Ppml.Cli.Tpch;
using Ppml.Data.Examples;

namespace Ppml.Cli.Examples;

/// <summary><c>ppml examples pi|wordcount|sql-basic|tpch</c>.</summary>
internal static class ExamplesCommands
{
    public static Command Create(CliContext context) =>
        new("examples", "Run the Spark/Flink examples on encrypted data: pi, wordcount, sql-basic, tpch.")
        {
            CreatePi(context), CreateWordCount(context), CreateSqlBasic(context), TpchCommands.CreateExample(context),
        };

    private static Command CreatePi(CliContext context)
    {
        var samples = new Option<long>("--samples") { Description = "Random points to draw.", DefaultValueFactory = _ => PiExample.DefaultSamples };
        (KmsTargetOptions kms, Option<string?> key) = (new(workload: true), CommonOptions.Key());
        var command = new Command("pi", "Estimate pi by Monte Carlo in SQL (Spark's pi.py).") { samples, key };
        kms.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new ExamplesHandler(context).PiAsync(kms.Read(parse), parse.GetValue(key), parse.GetValue(samples), cancellationToken)));
        return command;
    }

    private static Command CreateWordCount(CliContext context)
    {
        var input = new Option<string?>("--in") { Description = "Text file or directory of parts, plain or encrypted (default: the embedded Hamlet soliloquy, encrypted first)." };
        var output = new Option<string?>("--out") { Description = "Write (word, count) rows here (csv, json or parquet by extension) instead of printing (word,count) lines." };
        var encrypt = new Option<bool>("--encrypt") { Description = "Encrypt --out." };
        Option<bool> force = CommonOptions.Force("--out");
        (KmsTargetOptions kms, Option<string?> key) = (new(workload: true), CommonOptions.Key());
        var command = new Command("wordcount", "Count words as Flink's WordCount does (lower case, split at non-word characters).") { input, output, encrypt, force, key };
        kms.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new ExamplesHandler(context).WordCountAsync(
            kms.Read(parse), parse.GetValue(key), parse.GetValue(input), parse.GetValue(output), parse.GetValue(encrypt), parse.GetValue(force), cancellationToken)));
        return command;
    }

    private static Command CreateSqlBasic(CliContext context)
    {
        var json = new Option<string?>("--people-json") { Description = "people.json (default: the embedded sample, encrypted first)." };
        var text = new Option<string?>("--people-txt") { Description = "people.txt (default: the embedded sample, encrypted first)." };
        (KmsTargetOptions kms, Option<string?> key) = (new(workload: true), CommonOptions.Key());
        var command = new Command("sql-basic", "Spark's basic.py SQL example over encrypted people.json and people.txt.") { json, text, key };
        kms.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new ExamplesHandler(context).SqlBasicAsync(kms.Read(parse), parse.GetValue(key), parse.GetValue(json), parse.GetValue(text), cancellationToken)));
        return command;
    }
}
