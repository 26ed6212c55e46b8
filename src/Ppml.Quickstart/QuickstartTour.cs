using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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
using Ppml.Workloads.Data;
using Ppml.Workloads.Files;
using Ppml.Workloads.Learning;
using Ppml.Workloads.Workspace;

namespace Ppml.Quickstart;

/// <summary>
/// The whole tour of <c>ppml quickstart</c> in one directory, on embedded sample data, with no network beyond loopback:
/// a workspace, encryption round trips and tamper detection, SQL, the examples, TPC-H and LeNet over encrypted data, then
/// the trust chain (a KMS server, attestation, key release, attested workloads, the user's own programs) and the attacks
/// it refuses. Each step reports one line as it ends; the first failure stops the tour.
/// </summary>
public sealed partial class QuickstartTour
{
    private static readonly string[] s_mnistSampleFiles =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    private readonly IWorkloadHost _host;
    private readonly Action<QuickstartStep> _stepFinished;
    private readonly List<QuickstartStep> _steps = [];

    /// <summary>Creates the tour.</summary>
    /// <param name="host">The hosting process (environment, clock, notices; tests may name the application directory).</param>
    /// <param name="stepFinished">Called as each step passes, to print it.</param>
    public QuickstartTour(IWorkloadHost host, Action<QuickstartStep>? stepFinished = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
        _stepFinished = stepFinished ?? (_ => { });
    }

    /// <summary>Runs every step in <paramref name="root"/> (an empty or new directory, left in place for the caller to keep or delete).</summary>
    /// <param name="root">The directory to work in.</param>
    /// <param name="cancellationToken">Stops the tour.</param>
    /// <returns>The steps that passed and, when one failed, its exception.</returns>
    public async Task<QuickstartReport> RunAsync(string root, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Directory.CreateDirectory(root);
        try
        {
            await RunStepsAsync(root, cancellationToken);
            return new QuickstartReport(true, [.. _steps], null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new QuickstartReport(false, [.. _steps], exception);
        }
    }

    private async Task RunStepsAsync(string root, CancellationToken cancellationToken)
    {
        string home = Path.Combine(root, PpmlWorkspace.DefaultDirectoryName);
        var quiet = new TourHost(_host, root, TextWriter.Null);
        WorkspaceInitResult init = await StepAsync("init", async () =>
        {
            WorkspaceInitResult result = await WorkspaceInitializer.CreateAsync(new TourHost(_host, root, _host.Diagnostics), home, force: false, readPassword: null, cancellationToken);
            return (result, $"workspace {home}; TEE: {result.Tee} (no SGX/TDX here: memory is NOT hardware-protected); KMS key '{result.DefaultKey}'");
        });

        string plainDirectory = Path.Combine(root, "data");
        string encryptedDirectory = Path.Combine(root, "data.enc");
        string decryptedDirectory = Path.Combine(root, "data.dec");
        await StepAsync("sample", async () =>
        {
            int bytes = await WriteSampleAsync(plainDirectory, cancellationToken);
            return (bytes, $"wrote sample dataset ({bytes} bytes in 2 files) to {plainDirectory}");
        });

        await StepAsync("encrypt", async () =>
        {
            await EncryptTreeAsync(quiet, home, plainDirectory, encryptedDirectory, cancellationToken);
            bool noPlaintext = Directory.EnumerateFiles(encryptedDirectory, "*", SearchOption.AllDirectories)
                .All(f => !File.ReadAllText(f).Contains("Berlin", StringComparison.Ordinal));
            Require(noPlaintext, "An encrypted file still contains sample plaintext.");
            return (0, $"encrypted {plainDirectory} -> {encryptedDirectory} (one data key per file, key '{init.DefaultKey}')");
        });

        await StepAsync("decrypt", async () =>
        {
            await DecryptTreeAsync(quiet, home, encryptedDirectory, decryptedDirectory, cancellationToken);
            return (0, $"decrypted {encryptedDirectory} -> {decryptedDirectory}");
        });

        await StepAsync("verify", async () =>
        {
            foreach (string file in Directory.EnumerateFiles(plainDirectory, "*", SearchOption.AllDirectories))
            {
                string copy = Path.Combine(decryptedDirectory, Path.GetRelativePath(plainDirectory, file));
                byte[] expected = SHA256.HashData(await File.ReadAllBytesAsync(file, cancellationToken));
                byte[] actual = SHA256.HashData(await File.ReadAllBytesAsync(copy, cancellationToken));
                Require(expected.AsSpan().SequenceEqual(actual), $"Round trip changed '{copy}'.");
            }

            return (0, "decrypted files equal the originals (SHA-256)");
        });

        await StepAsync("tamper", async () =>
        {
            string victim = Directory.EnumerateFiles(encryptedDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
            byte[] bytes = await File.ReadAllBytesAsync(victim, cancellationToken);
            bytes[^20] ^= 0x01;
            await File.WriteAllBytesAsync(victim, bytes, cancellationToken);
            string target = Path.Combine(root, "tampered.out");
            try
            {
                await DecryptTreeAsync(quiet, home, victim, target, cancellationToken);
            }
            catch (ProtectedFileException refused) when (!File.Exists(target))
            {
                return (0, $"a flipped bit is detected and nothing is written ({Shorten(refused.Message)})");
            }

            throw new QuickstartException("A tampered container was decrypted; this must never happen.");
        });

        await using (PpmlSession session = await new KmsTarget(home).OpenSessionAsync(quiet, keyName: null, cancellationToken))
        {
            await using PpmlContext context = await session.OpenContextAsync(cancellationToken);
            await RunDataStepsAsync(session, context, root, encryptedDirectory, cancellationToken);
        }

        await RunLeNetStepAsync(quiet, root, home, cancellationToken);
        await RunTrustChainStepsAsync(quiet, home, root, Path.Combine(plainDirectory, "people", "people.csv"), cancellationToken);
    }

    /// <summary>The analytics steps: SQL over the encrypted sample, the three examples and TPC-H on encrypted inputs.</summary>
    private async Task RunDataStepsAsync(PpmlSession session, PpmlContext context, string root, string encryptedDirectory, CancellationToken cancellationToken)
    {
        await StepAsync("sql", async () =>
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
            Require(
                written.Rows == 5 && PpmlContainer.LooksLikeContainer(bytes) && bytes.AsSpan().IndexOf("Berlin"u8) < 0,
                $"The SQL step wrote an unexpected result ({written.Rows} rows) or left plaintext in '{output}'.");
            return (0, $"SQL over encrypted people.csv ({table.Rows} rows, {table.Transport}) -> {written.Rows} rows, encrypted: {output}");
        });

        await StepAsync("pi", async () =>
        {
            double pi = await PiExample.EstimateAsync(context, PiExample.DefaultSamples, cancellationToken);
            Require(pi is >= 3.0 and <= 3.3, $"The pi estimate {pi} is implausible.");
            return (0, PiExample.Format(pi));
        });

        string samples = Path.Combine(root, "samples.enc");
        await StepAsync("wordcount", async () =>
        {
            string hamlet = await ExampleData.EncryptToAsync(session.Keys, session.DefaultKeyName, ExampleData.Hamlet, samples, cancellationToken);
            IReadOnlyList<(string Word, long Count)> counts = await WordCountExample.RunAsync(context, hamlet, requireEncrypted: true, cancellationToken);
            (string Word, long Count) top = counts.MaxBy(c => c.Count);
            Require(
                counts.Count == 170 && top == ("the", 22),
                $"WordCount found {counts.Count} distinct words (expected 170) and top {WordCountExample.Format(top)} (expected (the,22)).");
            return (0, $"WordCount over encrypted Hamlet: {counts.Sum(c => c.Count)} words, {counts.Count} distinct, top {WordCountExample.Format(top)}");
        });

        await StepAsync("sql-basic", async () =>
        {
            string people = await ExampleData.EncryptToAsync(session.Keys, session.DefaultKeyName, ExampleData.PeopleJson, samples, cancellationToken);
            string peopleText = await ExampleData.EncryptToAsync(session.Keys, session.DefaultKeyName, ExampleData.PeopleText, samples, cancellationToken);
            using var output = new StringWriter(CultureInfo.InvariantCulture);
            await SqlBasicExample.RunAsync(context, people, peopleText, output, requireEncrypted: true, cancellationToken);
            int justin = output.ToString().Split('\n').Count(line => line.Contains("Justin", StringComparison.Ordinal));
            Require(justin == 8, $"Spark's basic.py prints 8 lines with Justin; ours printed {justin}.");
            return (0, "Spark basic.py over encrypted people.json/people.txt: output matches (8 'Justin' lines)");
        });

        await StepAsync("tpch", async () =>
        {
            // All 22 queries at SF 0.01: most of the time goes into the generator's text pool (built once per process).
            var generation = new TpchGenerationOptions { ScaleFactor = TpchWorkload.ExampleScaleFactor, Parts = 2, MaxDegreeOfParallelism = Environment.ProcessorCount };
            TpchRunSummary summary = (await TpchWorkload.RunExampleAsync(session, generation, TpchQueries.All, root, cancellationToken: cancellationToken)).Run;
            string data = Path.Combine(root, "tpch.enc");
            byte[] head = new byte[4096];
            int read;
            await using (FileStream file = File.OpenRead(Path.Combine(data, "lineitem", "lineitem.tbl.1" + PpmlFileNames.ContainerExtension)))
            {
                read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
            }

            int empty = summary.Results.Count(r => r.Rows.Count == 0);
            Require(
                summary.Results.Count == TpchQueries.Count && empty == 0 && summary.EncryptedTables == 8
                    && PpmlContainer.LooksLikeContainer(head.AsSpan(0, read)) && head.AsSpan(0, read).IndexOf("|1996-"u8) < 0,
                $"TPC-H over encrypted data went wrong: {summary.Results.Count} answers, {empty} empty, {summary.EncryptedTables} of 8 tables encrypted.");
            return (0, string.Create(
                CultureInfo.InvariantCulture,
                $"TPC-H SF {summary.ScaleFactor} generated straight into containers, 22 queries over encrypted tables ({summary.Tables.Sum(t => t.Rows):N0} rows) in {summary.QueryElapsed.TotalSeconds:0.00} s"));
        });
    }

    /// <summary>LeNet-5 on an embedded MNIST subset: encrypt it, train one epoch from the containers, save the model encrypted.</summary>
    private async Task RunLeNetStepAsync(IWorkloadHost quiet, string root, string home, CancellationToken cancellationToken)
    {
        string plain = Path.Combine(root, "mnist-sample");
        string encrypted = Path.Combine(root, "mnist-sample.enc");
        string model = Path.Combine(root, "lenet.model.ppml");
        await StepAsync("lenet", async () =>
        {
            await ExtractMnistSampleAsync(plain, cancellationToken);
            await EncryptTreeAsync(quiet, home, plain, encrypted, cancellationToken);
            Directory.Delete(plain, recursive: true);

            // `ppml train lenet` as a library call, as the attested-train step does it.
            await using PpmlSession session = await new KmsTarget(home).OpenSessionAsync(quiet, keyName: null, cancellationToken);
            MnistData train = await ProtectedLearningFiles.LoadMnistSplitAsync(session, encrypted, MnistSplit.Train, cancellationToken);
            MnistData test = await ProtectedLearningFiles.LoadMnistSplitAsync(session, encrypted, MnistSplit.Test, cancellationToken);
            TrainingResult trained = await LeNetTrainer.TrainAsync(train, test, new TrainingOptions { Epochs = 1, BatchSize = 128, Seed = 42 }, cancellationToken: cancellationToken);
            await session.WriteOutputAsync(model, session.DefaultKeyName, overwrite: false, (stream, token) => ModelSerializer.SaveAsync(trained.Model, stream, token), cancellationToken);
            return (0, $"LeNet-5, 1 epoch on 3,000 encrypted MNIST images, model saved encrypted; {trained.Epochs[^1].Top1Line} (1,000 test images)");
        });
    }

    private async Task<T> StepAsync<T>(string name, Func<Task<(T Result, string Detail)>> step)
    {
        long started = _host.TimeProvider.GetTimestamp();
        (T result, string detail) = await step();
        var done = new QuickstartStep(name, true, (long)_host.TimeProvider.GetElapsedTime(started).TotalMilliseconds, detail);
        _steps.Add(done);
        _stepFinished(done);
        return result;
    }

    private static void Require(bool condition, string failure)
    {
        if (!condition)
        {
            throw new QuickstartException(failure);
        }
    }

    /// <summary>Encrypts a file or tree as <c>ppml encrypt</c> does: the owner's key service, the workspace's default key.</summary>
    private static async Task EncryptTreeAsync(IWorkloadHost quiet, string home, string input, string output, CancellationToken cancellationToken)
    {
        var target = new KmsTarget(home);
        using IKeyManagementService owner = await target.OpenAsync(quiet, cancellationToken);
        string keyName = await target.ResolveKeyNameAsync(quiet, keyName: null, cancellationToken);
        await ProtectedTree.EncryptAsync(owner, keyName, input, output, overwrite: false, cancellationToken);
    }

    /// <summary>Decrypts a file or tree as <c>ppml decrypt</c> does: through a workload session.</summary>
    private static async Task DecryptTreeAsync(IWorkloadHost quiet, string home, string input, string output, CancellationToken cancellationToken)
    {
        await using PpmlSession session = await new KmsTarget(home).OpenSessionAsync(quiet, keyName: null, cancellationToken);
        await ProtectedTree.DecryptAsync(session.Keys, input, output, overwrite: false, cancellationToken);
    }

    /// <summary>Writes the embedded MNIST subset (3,000 training and 1,000 test images, IDX .gz) to <paramref name="directory"/>.</summary>
    private static async Task ExtractMnistSampleAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        foreach (string name in s_mnistSampleFiles)
        {
            await using Stream resource = typeof(QuickstartTour).Assembly.GetManifestResourceStream("Ppml.Quickstart.MnistSample." + name)
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
