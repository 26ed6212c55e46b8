using System.Globalization;
using System.Text;
using Ppml.Kms.Envelope;
using Ppml.Kms.Remote;
using Ppml.Kms.Server;
using Ppml.Workloads;
using Ppml.Workloads.Programs;
using Ppml.Workloads.Workspace;

namespace Ppml.Quickstart;

/// <summary>
/// The user's own programs (<c>samples/</c>: hello, dot, a SQL job), shipped beside ppml and so measured with it: each is
/// started as <c>ppml submit</c> starts it, attests for itself, reads data under the guarded key and writes its result
/// under a key drawn in its TEE, which only the data owner opens here.
/// </summary>
public sealed partial class QuickstartTour
{
    private async Task RunSampleStepsAsync(IWorkloadHost quiet, PpmlWorkspace workspace, KmsServer server, KmsClient owner, string workloadKey, string people, string root, CancellationToken cancellationToken)
    {
        string programs = _host.ApplicationDirectory ?? AppContext.BaseDirectory;
        string directory = Path.Combine(root, "samples");
        Directory.CreateDirectory(directory);
        string apiKeyFile = Path.Combine(directory, "workload.apikey");
        await Ppml.Core.IO.SecretFiles.WriteAllTextAsync(apiKeyFile, workloadKey, overwrite: true, cancellationToken);

        var target = new KmsTarget(
            workspace.Root,
            KmsUri: server.BaseAddress.ToString(),
            ApiKeyFile: apiKeyFile,
            CaFile: Path.Combine(workspace.TlsDirectory, "ca.crt"),
            Policy: AttestationPolicyId,
            SignedEnclave: workspace.SignedEnclavePath,
            DefaultKey: GuardedKeyName);
        var sampleHost = new TourHost(quiet, directory, TextWriter.Null);

        async Task<string> SubmitAsync(string program, params string[] arguments)
        {
            string dll = Path.Combine(programs, program + ".dll");
            if (!File.Exists(dll))
            {
                throw new QuickstartException($"The sample program '{dll}' is not installed beside ppml; rebuild ppml (it ships samples/ with it).");
            }

            using var output = new StringWriter(CultureInfo.InvariantCulture);
            using var error = new StringWriter(CultureInfo.InvariantCulture);
            int exitCode = await WorkloadProgram.RunAsync(sampleHost, new WorkloadProgramStart(dll, arguments, target), output, error, cancellationToken);
            if (exitCode != 0)
            {
                throw new QuickstartException($"{program} exited with {exitCode}: {error.ToString().Trim()}");
            }

            return output.ToString();
        }

        async Task<string> EncryptAsync(string name, string content)
        {
            string plain = Path.Combine(directory, name);
            await File.WriteAllTextAsync(plain, content, cancellationToken);
            string encrypted = plain + Ppml.Core.PpmlFileNames.ContainerExtension;
            await EnvelopeEncryption.EncryptFileAsync(owner, GuardedKeyName, plain, encrypted, cancellationToken: cancellationToken);
            File.Delete(plain);
            return encrypted;
        }

        async Task<string> OwnerReadsAsync(string container) =>
            Encoding.UTF8.GetString(await DecryptInMemoryAsync(owner, container, cancellationToken)).ReplaceLineEndings("\n");

        await StepAsync("hello", async () =>
        {
            string greeting = await EncryptAsync("greeting.txt", "greetings from the data owner\n");
            string output = await SubmitAsync("Hello", greeting);
            Require(
                output.Contains("running attested (simulation)", StringComparison.Ordinal) && output.Contains("greetings from the data owner", StringComparison.Ordinal),
                $"Hello printed something else: {output.Trim()}");
            return (0, "your own program (samples/Hello, ppml submit Hello.dll): attested for itself, read an encrypted greeting released only to its measurement");
        });

        await StepAsync("dot", async () =>
        {
            string matrix = await EncryptAsync("matrix.csv", "1,2\n3,4\n");
            string gram = Path.Combine(directory, "gram.csv" + Ppml.Core.PpmlFileNames.ContainerExtension);
            await SubmitAsync("Dot", matrix, gram);
            string product = await OwnerReadsAsync(gram);
            Require(product == "5,11\n11,25\n", $"Dot wrote A·Aᵀ = '{product.Trim()}', expected '5,11 / 11,25'.");
            return (0, "samples/Dot (the seed's numpy dot product): A·Aᵀ of an encrypted matrix, written under a key drawn in its TEE; the owner reads 5,11 / 11,25");
        });

        await StepAsync("sqljob", async () =>
        {
            string result = Path.Combine(directory, "cities.csv" + Ppml.Core.PpmlFileNames.ContainerExtension);
            await SubmitAsync("SqlJob", people, "SELECT city, count(*) AS n FROM people GROUP BY city ORDER BY city", result);
            string[] lines = (await OwnerReadsAsync(result)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Require(lines.Length == 6 && lines[0] == "city,n" && lines[1] == "Berlin,400", $"SqlJob wrote an unexpected result: {string.Join(" / ", lines)}");
            return (0, $"samples/SqlJob (your own Spark-style program): SQL over encrypted people.csv -> {lines.Length - 1} rows written encrypted; the owner reads {lines[1]}");
        });
    }
}
