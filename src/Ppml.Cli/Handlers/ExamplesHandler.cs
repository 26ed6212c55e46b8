using Ppml.Core;
using Ppml.Data;
using Ppml.Data.Examples;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml examples pi|wordcount|sql-basic</c>: the seed's Spark/Flink examples on <see cref="PpmlContext"/>. Without
/// input options they run on the embedded samples, encrypted first with the workspace KMS into a temporary directory
/// (containers only; it is deleted afterwards), so every example reads encrypted data.
/// </summary>
internal sealed class ExamplesHandler
{
    private readonly CliContext _context;

    public ExamplesHandler(CliContext context)
    {
        _context = context;
    }

    /// <summary>The KMS and the --key of every example.</summary>
    public sealed record Common(KmsTarget Kms, string? KeyName);

    public async Task<int> PiAsync(Common common, long samples, CancellationToken cancellationToken)
    {
        if (samples < 1)
        {
            throw CliException.Usage("--samples must be at least 1.");
        }

        await using DataSession session = await OpenAsync(common, cancellationToken);
        double pi = await PiExample.EstimateAsync(session.Context, samples, cancellationToken);
        await _context.Output.WriteLineAsync(PiExample.Format(pi));
        return ExitCodes.Success;
    }

    public async Task<int> WordCountAsync(Common common, string? input, string? output, bool encrypt, bool force, CancellationToken cancellationToken)
    {
        await using DataSession session = await OpenAsync(common, cancellationToken);
        using var samples = new SampleDirectory();
        string path = input is null
            ? await ExampleData.EncryptToAsync(session.Kms, session.DefaultKey, ExampleData.Hamlet, samples.Path, cancellationToken)
            : _context.ResolvePath(input);
        IReadOnlyList<(string Word, long Count)> counts = await WordCountExample.RunAsync(session.Context, path, requireEncrypted: false, cancellationToken);
        if (output is null)
        {
            foreach ((string Word, long Count) pair in counts)
            {
                await _context.Output.WriteLineAsync(WordCountExample.Format(pair));
            }

            return ExitCodes.Success;
        }

        string target = _context.ResolvePath(output);
        DatasetFormat format = target.Contains(".json", StringComparison.OrdinalIgnoreCase) ? DatasetFormat.Json
            : target.Contains(".parquet", StringComparison.OrdinalIgnoreCase) ? DatasetFormat.Parquet
            : DatasetFormat.Csv;
        if (encrypt && format != DatasetFormat.Parquet && !target.EndsWith(PpmlFileNames.ContainerExtension, StringComparison.Ordinal))
        {
            target += PpmlFileNames.ContainerExtension;
        }

        WriteResult written = await session.Context.WriteAsync(
            WordCountExample.Sql, target, format, new DatasetWriteOptions { Encrypt = encrypt, KeyName = common.KeyName, Overwrite = force }, cancellationToken);
        await _context.Output.WriteLineAsync($"Wrote {written.Rows} word counts{(written.IsEncrypted ? " (encrypted)" : string.Empty)}: {written.Path}");
        return ExitCodes.Success;
    }

    public async Task<int> SqlBasicAsync(Common common, string? peopleJson, string? peopleText, CancellationToken cancellationToken)
    {
        if ((peopleJson is null) != (peopleText is null))
        {
            throw CliException.Usage("Give both --people-json and --people-txt, or neither (the embedded samples).");
        }

        await using DataSession session = await OpenAsync(common, cancellationToken);
        using var samples = new SampleDirectory();
        string json = peopleJson is null
            ? await ExampleData.EncryptToAsync(session.Kms, session.DefaultKey, ExampleData.PeopleJson, samples.Path, cancellationToken)
            : _context.ResolvePath(peopleJson);
        string text = peopleText is null
            ? await ExampleData.EncryptToAsync(session.Kms, session.DefaultKey, ExampleData.PeopleText, samples.Path, cancellationToken)
            : _context.ResolvePath(peopleText);
        await SqlBasicExample.RunAsync(session.Context, json, text, _context.Output, requireEncrypted: peopleJson is null, cancellationToken);
        return ExitCodes.Success;
    }

    private Task<DataSession> OpenAsync(Common common, CancellationToken cancellationToken) =>
        DataSession.OpenAsync(_context, common.Kms, common.KeyName, cancellationToken);

    /// <summary>A private temporary directory for encrypted samples, deleted on dispose.</summary>
    private sealed class SampleDirectory : IDisposable
    {
        private readonly Lazy<string> _path = new(() => Directory.CreateTempSubdirectory("ppml-examples-").FullName);

        public string Path => _path.Value;

        public void Dispose()
        {
            if (_path.IsValueCreated)
            {
                Directory.Delete(_path.Value, recursive: true);
            }
        }
    }
}
