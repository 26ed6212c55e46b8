using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ppml.Cli.Output;
using Ppml.Core;
using Ppml.Crypto.Container;
using Ppml.Data;
using Ppml.Data.Examples;
using Ppml.Data.Tpch;
using Ppml.Kms;
using Ppml.Learning.Mnist;
using Ppml.Learning.Serialization;
using Ppml.Learning.Training;
using Ppml.Workloads;
using Ppml.Workloads.Files;
using Ppml.Workloads.Learning;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml quickstart</c>: the whole tour in a fresh temporary workspace, on embedded sample data, with no network.
/// Each step prints one line; the report ends with a verdict. Later capabilities add their steps here.
/// </summary>
internal sealed partial class QuickstartHandler
{
    private static readonly string[] s_mnistSampleFiles =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    private readonly CliContext _context;
    private readonly List<QuickstartStep> _steps = [];

    public QuickstartHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> RunAsync(string? keepDirectory, bool json, CancellationToken cancellationToken)
    {
        string root = keepDirectory is null
            ? Directory.CreateTempSubdirectory("ppml-quickstart-").FullName
            : _context.ResolvePath(keepDirectory);
        if (keepDirectory is not null && Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw CliException.Usage($"--keep directory '{root}' must be empty or absent.");
        }

        Directory.CreateDirectory(root);
        string home = Path.Combine(root, PpmlWorkspace.DefaultDirectoryName);
        bool passed;
        try
        {
            if (!json)
            {
                await _context.Output.WriteLineAsync($"PPML quickstart in {root}");
            }

            WorkspaceInitResult init = await StepAsync("init", json, async () =>
            {
                WorkspaceInitResult result = await WorkspaceInitializer.CreateAsync(_context, home, force: false, readPassword: null, cancellationToken);
                return (result, $"workspace {home}; TEE: {result.Tee} (no SGX/TDX here: memory is NOT hardware-protected); KMS key '{result.DefaultKey}'");
            });

            string plainDirectory = Path.Combine(root, "data");
            string encryptedDirectory = Path.Combine(root, "data.enc");
            string decryptedDirectory = Path.Combine(root, "data.dec");
            await StepAsync("sample", json, async () =>
            {
                int bytes = await WriteSampleAsync(plainDirectory, cancellationToken);
                return (bytes, $"wrote sample dataset ({bytes} bytes in 2 files) to {plainDirectory}");
            });

            var silent = new CliContext
            {
                Output = TextWriter.Null,
                Error = _context.Error,
                TimeProvider = _context.TimeProvider,
                GetEnvironmentVariable = _context.GetEnvironmentVariable,
                WorkingDirectory = root,
            };
            await StepAsync("encrypt", json, async () =>
            {
                await EncryptTreeAsync(silent, home, plainDirectory, encryptedDirectory, cancellationToken);
                bool noPlaintext = Directory.EnumerateFiles(encryptedDirectory, "*", SearchOption.AllDirectories)
                    .All(f => !File.ReadAllText(f).Contains("Berlin", StringComparison.Ordinal));
                if (!noPlaintext)
                {
                    throw CliException.Failure("An encrypted file still contains sample plaintext.");
                }

                return (0, $"encrypted {plainDirectory} -> {encryptedDirectory} (one data key per file, key '{init.DefaultKey}')");
            });

            await StepAsync("decrypt", json, async () =>
            {
                await DecryptTreeAsync(silent, home, encryptedDirectory, decryptedDirectory, cancellationToken);
                return (0, $"decrypted {encryptedDirectory} -> {decryptedDirectory}");
            });

            await StepAsync("verify", json, async () =>
            {
                foreach (string file in Directory.EnumerateFiles(plainDirectory, "*", SearchOption.AllDirectories))
                {
                    string copy = Path.Combine(decryptedDirectory, Path.GetRelativePath(plainDirectory, file));
                    byte[] expected = SHA256.HashData(await File.ReadAllBytesAsync(file, cancellationToken));
                    byte[] actual = SHA256.HashData(await File.ReadAllBytesAsync(copy, cancellationToken));
                    if (!expected.AsSpan().SequenceEqual(actual))
                    {
                        throw CliException.Failure($"Round trip changed '{copy}'.");
                    }
                }

                return (0, "decrypted files equal the originals (SHA-256)");
            });

            await StepAsync("tamper", json, async () =>
            {
                string victim = Directory.EnumerateFiles(encryptedDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
                byte[] bytes = await File.ReadAllBytesAsync(victim, cancellationToken);
                bytes[^20] ^= 0x01;
                await File.WriteAllBytesAsync(victim, bytes, cancellationToken);
                string target = Path.Combine(root, "tampered.out");
                try
                {
                    await DecryptTreeAsync(silent, home, victim, target, cancellationToken);
                }
                catch (ProtectedFileException refused) when (!File.Exists(target))
                {
                    return (0, $"a flipped bit is detected and nothing is written ({Shorten(refused.Message)})");
                }

                throw CliException.Failure("A tampered container was decrypted; this must never happen.");
            });

            await using (DataSession session = await DataSession.OpenAsync(silent, new KmsTarget(home), keyName: null, cancellationToken))
            {
                await RunDataStepsAsync(session, root, encryptedDirectory, json, cancellationToken);
            }

            await RunLeNetStepAsync(silent, root, home, json, cancellationToken);
            await RunTrustChainStepsAsync(home, root, Path.Combine(plainDirectory, "people", "people.csv"), json, cancellationToken);

            passed = true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            (_, string message) = CommandRunner.Describe(exception);
            _steps.Add(new QuickstartStep("failed", false, 0, message));
            passed = false;
        }
        finally
        {
            if (keepDirectory is null)
            {
                Directory.Delete(root, recursive: true);
            }
        }

        if (json)
        {
            await _context.Output.WriteLineAsync(JsonSerializer.Serialize(new QuickstartReport(passed, _steps), CliJsonContext.Default.QuickstartReport));
        }
        else
        {
            double total = _steps.Sum(s => s.Milliseconds) / 1000.0;
            await _context.Output.WriteLineAsync(passed
                ? string.Create(CultureInfo.InvariantCulture, $"Quickstart passed: {_steps.Count} steps in {total:0.0} s.")
                : $"Quickstart FAILED: {_steps[^1].Detail}");
        }

        return passed ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>The analytics steps: SQL over the encrypted sample, and the three examples on encrypted inputs.</summary>
    private async Task RunDataStepsAsync(DataSession session, string root, string encryptedDirectory, bool json, CancellationToken cancellationToken)
    {
        PpmlContext context = session.Context;
        await StepAsync("sql", json, async () =>
        {
            string input = Path.Combine(encryptedDirectory, "people", "people.csv" + PpmlFileNames.ContainerExtension);
            TableInfo table = await context.RegisterTableAsync("quickstart_people", input, DatasetFormat.Csv, new DatasetReadOptions { RequireEncrypted = true }, cancellationToken);
            string output = Path.Combine(root, "results", "by-city.csv" + PpmlFileNames.ContainerExtension);
            WriteResult written = await context.WriteAsync(
                "SELECT city, count(*) AS people, round(avg(age), 1) AS mean_age FROM quickstart_people GROUP BY city ORDER BY city",
                output,
                DatasetFormat.Csv,
                new DatasetWriteOptions { Encrypt = true },
                cancellationToken);
            byte[] bytes = await File.ReadAllBytesAsync(output, cancellationToken);
            if (written.Rows != 5 || !PpmlContainer.LooksLikeContainer(bytes) || bytes.AsSpan().IndexOf("Berlin"u8) >= 0)
            {
                throw CliException.Failure($"The SQL step wrote an unexpected result ({written.Rows} rows) or left plaintext in '{output}'.");
            }

            return (0, $"SQL over encrypted people.csv ({table.Rows} rows, {table.Transport}) -> {written.Rows} rows, encrypted: {output}");
        });

        await StepAsync("pi", json, async () =>
        {
            double pi = await PiExample.EstimateAsync(context, PiExample.DefaultSamples, cancellationToken);
            if (pi is < 3.0 or > 3.3)
            {
                throw CliException.Failure($"The pi estimate {pi} is implausible.");
            }

            return (0, PiExample.Format(pi));
        });

        string samples = Path.Combine(root, "samples.enc");
        await StepAsync("wordcount", json, async () =>
        {
            string hamlet = await ExampleData.EncryptToAsync(session.Kms, session.DefaultKey, ExampleData.Hamlet, samples, cancellationToken);
            IReadOnlyList<(string Word, long Count)> counts = await WordCountExample.RunAsync(context, hamlet, requireEncrypted: true, cancellationToken);
            (string Word, long Count) top = counts.MaxBy(c => c.Count);
            if (counts.Count != 170 || top != ("the", 22))
            {
                throw CliException.Failure($"WordCount found {counts.Count} distinct words (expected 170) and top {WordCountExample.Format(top)} (expected (the,22)).");
            }

            return (0, $"WordCount over encrypted Hamlet: {counts.Sum(c => c.Count)} words, {counts.Count} distinct, top {WordCountExample.Format(top)}");
        });

        await StepAsync("sql-basic", json, async () =>
        {
            string people = await ExampleData.EncryptToAsync(session.Kms, session.DefaultKey, ExampleData.PeopleJson, samples, cancellationToken);
            string peopleText = await ExampleData.EncryptToAsync(session.Kms, session.DefaultKey, ExampleData.PeopleText, samples, cancellationToken);
            var output = new StringWriter();
            await SqlBasicExample.RunAsync(context, people, peopleText, output, requireEncrypted: true, cancellationToken);
            int justin = output.ToString().Split('\n').Count(line => line.Contains("Justin", StringComparison.Ordinal));
            if (justin != 8)
            {
                throw CliException.Failure($"Spark's basic.py prints 8 lines with Justin; ours printed {justin}.");
            }

            return (0, "Spark basic.py over encrypted people.json/people.txt: output matches (8 'Justin' lines)");
        });

        await StepAsync("tpch", json, async () =>
        {
            // All 22 queries at SF 0.01: most of the time goes into the generator's text pool (built once per process).
            var quiet = new CliContext { Output = TextWriter.Null, Error = TextWriter.Null, TimeProvider = _context.TimeProvider, WorkingDirectory = root };
            TpchGenerationOptions generation = TpchSteps.CreateOptions(TpchSteps.DefaultScaleFactor, parts: 2, threads: null);
            (_, TpchRunSummary summary) = await TpchSteps.RunEncryptedAsync(quiet, session, generation, TpchQueries.All, root, cancellationToken);
            string lineitem = Path.Combine(root, "tpch.enc", "lineitem", "lineitem.tbl.1" + PpmlFileNames.ContainerExtension);
            byte[] head = new byte[4096];
            int read;
            await using (FileStream file = File.OpenRead(lineitem))
            {
                read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
            }

            int empty = summary.Results.Count(r => r.Rows.Count == 0);
            if (summary.Results.Count != TpchQueries.Count || empty > 0 || summary.EncryptedTables != 8
                || !PpmlContainer.LooksLikeContainer(head.AsSpan(0, read)) || head.AsSpan(0, read).IndexOf("|1996-"u8) >= 0)
            {
                throw CliException.Failure($"TPC-H over encrypted data went wrong: {summary.Results.Count} answers, {empty} empty, {summary.EncryptedTables} of 8 tables encrypted.");
            }

            return (0, string.Create(
                CultureInfo.InvariantCulture,
                $"TPC-H SF {summary.ScaleFactor} generated straight into containers, 22 queries over encrypted tables ({summary.Tables.Sum(t => t.Rows):N0} rows) in {summary.QueryElapsed.TotalSeconds:0.00} s"));
        });
    }

    private async Task<T> StepAsync<T>(string name, bool json, Func<Task<(T Result, string Detail)>> step)
    {
        long started = _context.TimeProvider.GetTimestamp();
        (T result, string detail) = await step();
        long milliseconds = (long)_context.TimeProvider.GetElapsedTime(started).TotalMilliseconds;
        _steps.Add(new QuickstartStep(name, true, milliseconds, detail));
        if (!json)
        {
            await _context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  [ok] {name,-8} {detail} ({milliseconds} ms)"));
        }

        return result;
    }

    /// <summary>LeNet-5 on an embedded MNIST subset: encrypt it, train one epoch from the containers, save the model encrypted, evaluate.</summary>
    private async Task RunLeNetStepAsync(CliContext silent, string root, string home, bool json, CancellationToken cancellationToken)
    {
        string plain = Path.Combine(root, "mnist-sample");
        string encrypted = Path.Combine(root, "mnist-sample.enc");
        string model = Path.Combine(root, "lenet.model.ppml");
        await StepAsync("lenet", json, async () =>
        {
            await ExtractMnistSampleAsync(plain, cancellationToken);

            await EncryptTreeAsync(silent, home, plain, encrypted, cancellationToken);
            Directory.Delete(plain, recursive: true);

            // `ppml train lenet` as a library call, as the attested-train step does it.
            await using PpmlSession session = await new KmsTarget(home).OpenSessionAsync(silent, keyName: null, cancellationToken);
            MnistData train = await ProtectedLearningFiles.LoadMnistSplitAsync(session, encrypted, MnistSplit.Train, cancellationToken);
            MnistData test = await ProtectedLearningFiles.LoadMnistSplitAsync(session, encrypted, MnistSplit.Test, cancellationToken);
            TrainingResult trained = await LeNetTrainer.TrainAsync(train, test, new TrainingOptions { Epochs = 1, BatchSize = 128, Seed = 42 }, cancellationToken: cancellationToken);
            await session.WriteOutputAsync(model, session.DefaultKeyName, overwrite: false, (stream, token) => ModelSerializer.SaveAsync(trained.Model, stream, token), cancellationToken);
            string accuracy = trained.Epochs[^1].Top1Line;
            return (0, $"LeNet-5, 1 epoch on 3,000 encrypted MNIST images, model saved encrypted; {accuracy} (1,000 test images)");
        });
    }

    /// <summary>Encrypts a file or tree as <c>ppml encrypt</c> does: the owner's key service, the workspace's default key.</summary>
    private static async Task EncryptTreeAsync(CliContext silent, string home, string input, string output, CancellationToken cancellationToken)
    {
        var target = new KmsTarget(home);
        using IKeyManagementService owner = await target.OpenAsync(silent, cancellationToken);
        string keyName = await target.ResolveKeyNameAsync(silent, keyName: null, cancellationToken);
        await ProtectedTree.EncryptAsync(owner, keyName, input, output, overwrite: false, cancellationToken);
    }

    /// <summary>Decrypts a file or tree as <c>ppml decrypt</c> does: through a workload session.</summary>
    private static async Task DecryptTreeAsync(CliContext silent, string home, string input, string output, CancellationToken cancellationToken)
    {
        await using PpmlSession session = await new KmsTarget(home).OpenSessionAsync(silent, keyName: null, cancellationToken);
        await ProtectedTree.DecryptAsync(session.Keys, input, output, overwrite: false, cancellationToken);
    }

    /// <summary>Writes the embedded MNIST subset (3,000 training and 1,000 test images, IDX .gz) to <paramref name="directory"/>.</summary>
    private static async Task ExtractMnistSampleAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        foreach (string name in s_mnistSampleFiles)
        {
            await using Stream resource = typeof(QuickstartHandler).Assembly.GetManifestResourceStream("Ppml.Cli.MnistSample." + name)
                ?? throw new InvalidOperationException($"Embedded MNIST sample '{name}' is missing from the build.");
            await using FileStream file = File.Create(Path.Combine(directory, name));
            await resource.CopyToAsync(file, cancellationToken);
        }
    }

    private static string Shorten(string message) => message.Length <= 120 ? message : message[..117] + "...";

    private static async Task<int> WriteSampleAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(directory, "people"));
        var csv = new StringBuilder("name,age,city\n");
        string[] names = ["Michael", "Andy", "Justin", "Alice", "Bob", "Carol", "Dave", "Eve"];
        string[] cities = ["Berlin", "Paris", "Tokyo", "Lima", "Oslo"];
        for (int i = 0; i < 2000; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{names[i % names.Length]}{i},{18 + (i * 7 % 60)},{cities[i % cities.Length]}\n");
        }

        byte[] csvBytes = Encoding.UTF8.GetBytes(csv.ToString());
        byte[] text = Encoding.UTF8.GetBytes("To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\n");
        await File.WriteAllBytesAsync(Path.Combine(directory, "people", "people.csv"), csvBytes, cancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(directory, "hamlet.txt"), text, cancellationToken);
        return csvBytes.Length + text.Length;
    }
}

internal sealed record QuickstartStep(string Name, bool Passed, long Milliseconds, string Detail);

internal sealed record QuickstartReport(bool Passed, IReadOnlyList<QuickstartStep> Steps);
