using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Ppml.Crypto.Keys;
using Ppml.Kms.Remote;
using Ppml.Kms.Server;

namespace Ppml.Benchmarks.Kms;

/// <summary>
/// Load test of the KMS server over HTTPS on loopback: concurrent clients each loop "generate a data key, unwrap it"
/// for a fixed time; reports pairs per second, requests per second and request latency percentiles.
/// Run: <c>dotnet run -c Release --project bench/Ppml.Benchmarks -- kms-load [seconds] [clients] [durable-reads]</c>;
/// <c>durable-reads</c> makes plain reads wait for their audit record's commit (<see cref="KmsServerOptions.DurableReadAudits"/>).
/// </summary>
public static class KmsLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        int seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        int clients = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 32;
        bool durableReads = args.Length > 3 && args[3] == "durable-reads";
        string directory = Directory.CreateTempSubdirectory("ppml-kms-load-").FullName;
        try
        {
            const string password = "kms-load-keystore";
            await TlsMaterialGenerator.WriteAsync(Path.Combine(directory, "tls"), password, [], TimeProvider.System, overwrite: false);
            using X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(directory, "tls", "keystore.pkcs12"), password);
            using X509Certificate2 ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(directory, "tls", "ca.crt"));
            await using KmsServer server = await KmsServer.StartAsync(
                new KmsServerOptions { Urls = ["https://127.0.0.1:0"], StoreDirectory = Path.Combine(directory, "store"), Certificate = certificate, DurableReadAudits = durableReads });
            string apiKey = (await File.ReadAllTextAsync(server.AdminKeyPath)).Trim();
            using var client = new KmsClient(server.BaseAddress, apiKey, ca);
            await client.CreateKeyAsync("load");

            // Warm up connections and the JIT.
            await RunForAsync(client, clients, TimeSpan.FromSeconds(2));
            (long pairs, List<double> latencies, TimeSpan elapsed) = await RunForAsync(client, clients, TimeSpan.FromSeconds(seconds));
            latencies.Sort();
            double Percentile(double p) => latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"kms-load: {clients} clients, {elapsed.TotalSeconds:F1} s, HTTPS loopback, audit on (synchronous=FULL group commit; reads {(durableReads ? "wait for their audit commit" : "join the next commit")})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  generate+unwrap pairs: {pairs / elapsed.TotalSeconds:F0}/s   requests: {latencies.Count / elapsed.TotalSeconds:F0}/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  request latency ms: p50 {Percentile(0.50):F2}  p90 {Percentile(0.90):F2}  p99 {Percentile(0.99):F2}  max {latencies[^1]:F2}"));
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(long Pairs, List<double> Latencies, TimeSpan Elapsed)> RunForAsync(KmsClient client, int clients, TimeSpan duration)
    {
        var stopwatch = Stopwatch.StartNew();
        long pairs = 0;
        var all = new List<double>[clients];
        await Parallel.ForAsync(0, clients, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (c, token) =>
        {
            var latencies = new List<double>(65536);
            while (stopwatch.Elapsed < duration)
            {
                long start = Stopwatch.GetTimestamp();
                DataKeyResponse generated = await client.GenerateDataKeyAsync("load", includePlaintext: true, token);
                long middle = Stopwatch.GetTimestamp();
                byte[] plaintext = await client.UnwrapDataKeyAsync("load", generated.KeyVersion, generated.WrappedKey, token);
                long end = Stopwatch.GetTimestamp();
                if (!plaintext.AsSpan().SequenceEqual(generated.Plaintext))
                {
                    throw new InvalidOperationException("Unwrap returned a different key.");
                }

                latencies.Add(Stopwatch.GetElapsedTime(start, middle).TotalMilliseconds);
                latencies.Add(Stopwatch.GetElapsedTime(middle, end).TotalMilliseconds);
                Interlocked.Increment(ref pairs);
            }

            all[c] = latencies;
        });
        return (pairs, [.. all.SelectMany(l => l)], stopwatch.Elapsed);
    }
}
