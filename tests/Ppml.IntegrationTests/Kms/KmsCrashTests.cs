using System.Collections.Concurrent;
using Ppml.Kms;
using Ppml.Kms.Remote;
using Ppml.Testing;

namespace Ppml.IntegrationTests.Kms;

/// <summary>
/// Durability: SIGKILL the server (a separate <c>ppml kms serve</c> process) in the middle of concurrent key operations,
/// restart it on the same store, and check that every acknowledged key and data key is still there and usable.
/// </summary>
public sealed class KmsCrashTests
{
    private const int Operations = 1200;
    private const int Concurrency = 64;
    private const int KillAfterAcknowledged = 500;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Server_KilledDuringConcurrentOperations_LosesNothingAcknowledged()
    {
        using var temp = new TempDirectory();
        string home = temp.Combine("home");
        await KmsServerProcess.RunPpmlAsync("init", "--home", home);
        var acknowledgedKeys = new ConcurrentBag<string>();
        var acknowledgedDataKeys = new ConcurrentBag<(string Key, int Version, byte[] Wrapped, byte[] Plaintext)>();
        int failed = 0;

        await using (KmsServerProcess server = await KmsServerProcess.StartAsync(home, Token))
        {
            using KmsClient setup = Client(server, home);
            await setup.CreateKeyAsync("base", Token);
            int acknowledged = 0;
            var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var gate = new SemaphoreSlim(Concurrency);
            using KmsClient client = Client(server, home);
            Task[] operations = [.. Enumerable.Range(0, Operations).Select(async i =>
            {
                await gate.WaitAsync(Token);
                try
                {
                    if (i % 3 == 0)
                    {
                        await client.CreateKeyAsync("crash-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Token);
                        acknowledgedKeys.Add("crash-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        using DataKey dataKey = await client.GenerateDataKeyAsync(i % 3 == 1 ? "base" : "crash-" + (i - 2).ToString(System.Globalization.CultureInfo.InvariantCulture), Token);
                        acknowledgedDataKeys.Add((dataKey.KeyName, dataKey.KeyVersion, dataKey.WrappedKey.ToArray(), dataKey.Plaintext.ToArray()));
                    }

                    if (Interlocked.Increment(ref acknowledged) == KillAfterAcknowledged)
                    {
                        await server.KillAsync();
                        killed.TrySetResult();
                    }
                }
                catch (KmsException)
                {
                    // Unacknowledged: the server died (or the key's creation had not been acknowledged). Either way no promise was made.
                    Interlocked.Increment(ref failed);
                }
                finally
                {
                    gate.Release();
                }
            })];
            await Task.WhenAll(operations);
            Assert.True(killed.Task.IsCompleted, "The server was never killed: fewer operations were acknowledged than planned.");
        }

        string counts = $"crash test: {Operations} operations at concurrency {Concurrency}, SIGKILL after {KillAfterAcknowledged} acknowledged; " +
            $"acknowledged {acknowledgedKeys.Count} key creations and {acknowledgedDataKeys.Count} data keys, {failed} unacknowledged (failed)";
        Report(counts);
        Assert.True(failed > 0, $"The kill interrupted nothing; the test proves nothing. {counts}");
        await using KmsServerProcess restarted = await KmsServerProcess.StartAsync(home, Token);
        using KmsClient after = Client(restarted, home);
        HashSet<string> keys = [.. (await after.ListKeysAsync(Token)).Select(k => k.Name)];
        string[] lostKeys = [.. acknowledgedKeys.Where(name => !keys.Contains(name))];
        Assert.True(lostKeys.Length == 0, $"{lostKeys.Length} acknowledged key creations were lost ({string.Join(", ", lostKeys.Take(5))}). {counts}");
        int usable = 0;
        foreach ((string key, int version, byte[] wrapped, byte[] plaintext) in acknowledgedDataKeys)
        {
            byte[] unwrapped = await after.UnwrapDataKeyAsync(key, version, wrapped, Token);
            Assert.True(unwrapped.AsSpan().SequenceEqual(plaintext), $"An acknowledged data key of '{key}' unwrapped to different bytes after the restart. {counts}");
            usable++;
        }

        // A key creation's audit record is committed with the key, before the answer: every acknowledged one is there.
        // (The records of plain reads may lag by one group commit and can be lost in a crash; docs/kms.md.)
        var created = new HashSet<string>(StringComparer.Ordinal);
        for (long sequence = 0; ;)
        {
            IReadOnlyList<AuditRecord> page = await after.ListAuditAsync(sequence, 1000, Token);
            if (page.Count == 0)
            {
                break;
            }

            created.UnionWith(page.Where(r => r.Action == "key.create" && r.Result == "ok").Select(r => r.Target));
            sequence = page[^1].Sequence;
        }

        string[] unaudited = [.. acknowledgedKeys.Where(name => !created.Contains(name))];
        Assert.True(unaudited.Length == 0, $"{unaudited.Length} acknowledged key creations have no audit record ({string.Join(", ", unaudited.Take(5))}). {counts}");

        using HttpClient http = TrustedHttp.Create(restarted.Address, Path.Combine(home, "tls", "ca.crt"), AdminKey(home));
        string audit = await http.GetStringAsync("/v1/audit/verify", Token);
        Assert.True(audit.Contains("\"intact\":true", StringComparison.Ordinal), $"The audit chain is broken after the restart: {audit}. {counts}");
        Report($"crash test: after restart all {acknowledgedKeys.Count} acknowledged keys exist (each with its key.create audit record) and all {usable} acknowledged data keys unwrap; audit chain intact");
    }

    /// <summary>
    /// The counts, as test output: <c>dotnet test --project tests/Ppml.IntegrationTests --output Detailed</c> prints it
    /// for a passing run (docs/testing.md); every assertion message carries them too, so a failure always shows them.
    /// </summary>
    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    private static string AdminKey(string home) => File.ReadAllText(Path.Combine(home, "kms-server", "admin.apikey")).Trim();

    private static KmsClient Client(KmsServerProcess server, string home)
    {
        using var ca = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(Path.Combine(home, "tls", "ca.crt"));
        return new KmsClient(server.Address, AdminKey(home), ca);
    }
}
