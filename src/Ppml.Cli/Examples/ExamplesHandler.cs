using Ppml.Data.Examples;
using Ppml.Workloads;
using Ppml.Workloads.Data;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Examples;

/// <summary><c>ppml examples pi|wordcount|sql-basic</c>: <see cref="ExampleWorkloads"/> in a workload session, printed as Spark and Flink print them.</summary>
internal sealed class ExamplesHandler(CliContext context)
{
    public async Task<int> PiAsync(KmsTarget kms, string? keyName, long samples, CancellationToken cancellationToken)
    {
        if (samples < 1)
        {
            throw CliException.Usage("--samples must be at least 1.");
        }

        await using PpmlSession session = await kms.OpenSessionAsync(context, keyName, cancellationToken);
        await context.Output.WriteLineAsync(PiExample.Format(await ExampleWorkloads.PiAsync(session, samples, cancellationToken)));
        return ExitCodes.Success;
    }

    public async Task<int> WordCountAsync(KmsTarget kms, string? keyName, string? input, string? output, bool encrypt, bool force, CancellationToken cancellationToken)
    {
        await using PpmlSession session = await kms.OpenSessionAsync(context, keyName, cancellationToken);
        var options = new WordCountOptions { Input = Resolve(input), Output = Resolve(output), Encrypt = encrypt, KeyName = keyName, Overwrite = force };
        WordCountResult result = await ExampleWorkloads.WordCountAsync(session, options, cancellationToken);
        if (result.Written is { } written)
        {
            await context.Output.WriteLineAsync($"Wrote {written.Rows} word counts{(written.IsEncrypted ? " (encrypted)" : string.Empty)}: {written.Path}");
            return ExitCodes.Success;
        }

        foreach ((string Word, long Count) pair in result.Counts!)
        {
            await context.Output.WriteLineAsync(WordCountExample.Format(pair));
        }

        return ExitCodes.Success;
    }

    public async Task<int> SqlBasicAsync(KmsTarget kms, string? keyName, string? peopleJson, string? peopleText, CancellationToken cancellationToken)
    {
        if ((peopleJson is null) != (peopleText is null))
        {
            throw CliException.Usage("Give both --people-json and --people-txt, or neither (the embedded samples).");
        }

        await using PpmlSession session = await kms.OpenSessionAsync(context, keyName, cancellationToken);
        await ExampleWorkloads.SqlBasicAsync(session, Resolve(peopleJson), Resolve(peopleText), context.Output, cancellationToken);
        return ExitCodes.Success;
    }

    private string? Resolve(string? path) => path is null ? null : context.ResolvePath(path);
}
