using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Attestation.Tests.Support;
using Ppml.Attestation.Verification;

namespace Ppml.Attestation.Tests.Quotes;

/// <summary>
/// One million mutated quotes (bit flips, byte overwrites, truncations, corrupted length fields, insertions,
/// deletions, splices) through the parser, and a share of them through the full verifier with pre-parsed collateral:
/// nothing may escape but <see cref="AttestationFormatException"/> from the parser, nothing at all from the verifier.
/// </summary>
public sealed class QuoteFuzzTests
{
    private const int Total = 1_000_000;
    private const int VerifyEvery = 50;

    [Fact(Timeout = 180_000)]
    public async Task ParseAndVerify_MillionMutatedQuotes_OnlyTheDocumentedException()
    {
        Seed[] seeds = await SeedsAsync();
        var failures = new ConcurrentQueue<string>();
        long parsed = 0;
        long rejected = 0;
        long verified = 0;
        long valid = 0;
        int partitions = Math.Max(2, Environment.ProcessorCount) * 4;
        var stopwatch = Stopwatch.StartNew();

        await Task.Run(
            () => Parallel.For(0, partitions, new ParallelOptions { CancellationToken = TestContext.Current.CancellationToken }, partition =>
            {
                var random = new Random(20250719 + partition);
                byte[] buffer = new byte[16384];
                long localParsed = 0, localRejected = 0, localVerified = 0, localValid = 0;
                for (int i = partition; i < Total; i += partitions)
                {
                    Seed seed = seeds[random.Next(seeds.Length)];
                    int length = Mutate(seed, seeds, buffer, random, out string mutation);
                    ReadOnlySpan<byte> input = buffer.AsSpan(0, length);
                    try
                    {
                        Quote.Parse(input);
                        localParsed++;
                    }
                    catch (AttestationFormatException exception)
                    {
                        localRejected++;
                        if (exception.Field is null || exception.Offset is null || exception.Offset < 0 || exception.Offset > length)
                        {
                            failures.Enqueue($"{seed.Name}/{mutation}: format exception without field or offset: {exception.Message}");
                        }
                    }
                    catch (Exception exception)
                    {
                        failures.Enqueue($"{seed.Name}/{mutation}: parser threw {exception.GetType().Name}: {exception.Message}");
                    }

                    if (i % VerifyEvery == 0)
                    {
                        try
                        {
                            QuoteVerificationResult result = seed.Verifier.Verify(input, seed.Collateral, seed.Time);
                            localVerified++;
                            localValid += result.Valid ? 1 : 0;
                            if (result.Valid != (result.Error is null))
                            {
                                failures.Enqueue($"{seed.Name}/{mutation}: inconsistent result {result.ToJson()}");
                            }
                        }
                        catch (Exception exception)
                        {
                            failures.Enqueue($"{seed.Name}/{mutation}: verifier threw {exception.GetType().Name}: {exception.Message}");
                        }
                    }
                }

                Interlocked.Add(ref parsed, localParsed);
                Interlocked.Add(ref rejected, localRejected);
                Interlocked.Add(ref verified, localVerified);
                Interlocked.Add(ref valid, localValid);
            }),
            TestContext.Current.CancellationToken);

        stopwatch.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Total} mutated quotes in {stopwatch.Elapsed.TotalSeconds:F1} s: {parsed} parsed, {rejected} rejected; {verified} verified, {valid} still valid.");
        Assert.Empty(failures.Take(20));
        Assert.Equal(Total, parsed + rejected);
        Assert.True(verified >= Total / VerifyEvery, $"{verified} verifications");
        Assert.True(parsed > Total / 10 && rejected > Total / 10, $"{parsed} parsed, {rejected} rejected: the mutations are not exercising both paths");
    }

    [Fact]
    public async Task Parse_EveryTruncationOfEverySeed_ThrowsOnlyTheDocumentedException()
    {
        foreach (Seed seed in await SeedsAsync())
        {
            int end = seed.Bytes.Length - seed.Trailing;
            for (int length = 0; length < end; length++)
            {
                AttestationFormatException error = Assert.Throws<AttestationFormatException>(() => Quote.Parse(seed.Bytes.AsSpan(0, length)));
                Assert.NotNull(error.Field);
                Assert.InRange(error.Offset!.Value, 0, length);
            }

            Assert.Equal(seed.Trailing, Quote.Parse(seed.Bytes).TrailingBytes);
        }
    }

    private static int Mutate(Seed seed, Seed[] seeds, byte[] buffer, Random random, out string mutation)
    {
        byte[] source = seed.Bytes;
        source.CopyTo(buffer, 0);
        int length = source.Length;
        switch (random.Next(7))
        {
            case 0:
                int flips = 1 + random.Next(8);
                for (int i = 0; i < flips; i++)
                {
                    buffer[random.Next(length)] ^= (byte)(1 << random.Next(8));
                }

                mutation = $"flip{flips}";
                return length;
            case 1:
                int writes = 1 + random.Next(4);
                for (int i = 0; i < writes; i++)
                {
                    buffer[random.Next(length)] = (byte)random.Next(256);
                }

                mutation = $"write{writes}";
                return length;
            case 2:
                mutation = "truncate";
                return random.Next(length);
            case 3:
            case 4:
                (int offset, int width) = seed.LengthFields[random.Next(seed.LengthFields.Length)];
                uint current = width == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(offset)) : BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset));
                uint value = random.Next(6) switch
                {
                    0 => 0,
                    1 => uint.MaxValue,
                    2 => current + 1,
                    3 => current - 1,
                    4 => (uint)length,
                    _ => (uint)random.Next(),
                };
                if (width == 2)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(offset), (ushort)value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(offset), value);
                }

                mutation = $"length@{offset}={value}";
                return length;
            case 5:
                int at = random.Next(length);
                int count = 1 + random.Next(64);
                if (random.Next(2) == 0 && length + count <= buffer.Length)
                {
                    Array.Copy(source, at, buffer, at + count, length - at);
                    random.NextBytes(buffer.AsSpan(at, count));
                    mutation = $"insert{count}@{at}";
                    return length + count;
                }

                count = Math.Min(count, length - at);
                Array.Copy(source, at + count, buffer, at, length - at - count);
                mutation = $"delete{count}@{at}";
                return length - count;
            default:
                Seed other = seeds[random.Next(seeds.Length)];
                int window = 1 + random.Next(512);
                int from = random.Next(Math.Max(1, other.Bytes.Length - window));
                int to = random.Next(Math.Max(1, length - window));
                Array.Copy(other.Bytes, from, buffer, to, Math.Min(window, Math.Min(other.Bytes.Length - from, length - to)));
                mutation = $"splice{window}@{to}";
                return length;
        }
    }

    private static async Task<Seed[]> SeedsAsync()
    {
        var seeds = new List<Seed>();
        foreach (string id in new[] { "phala-sgx-v3", "phala-tdx-v4", "phala-tdx-v5-td15-no-tcb-level", "gotdx-v5-with-phala-2026-collateral", "intel-qvl-sample-sgx-test-pki" })
        {
            System.Text.Json.JsonElement vector = DcapVectors.Get(id);
            seeds.Add(Seed.Create(
                id,
                DcapVectors.Quote(vector),
                DcapVectors.Collateral(vector),
                new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = DcapVectors.TrustedRoot(vector) }),
                DcapVectors.Time(vector)));
        }

        SimulatedPlatform platform = await Sim.DefaultAsync();
        QuoteVerifier simulated = Sim.Verifier(platform);
        seeds.Add(Seed.Create("sim-sgx", Sim.SgxQuote(platform), platform.GetCollateral(TeeType.Sgx), simulated, Sim.Now));
        seeds.Add(Seed.Create("sim-tdx-v4", Sim.TdxQuote(platform), platform.GetCollateral(TeeType.Tdx), simulated, Sim.Now));
        seeds.Add(Seed.Create("sim-tdx-v5", Sim.TdxQuote(platform, new TdxQuoteOptions { UseQuoteV5 = true }), platform.GetCollateral(TeeType.Tdx), simulated, Sim.Now));
        return [.. seeds];
    }

    private sealed record Seed(string Name, byte[] Bytes, int Trailing, (int Offset, int Width)[] LengthFields, QuoteCollateral Collateral, QuoteVerifier Verifier, DateTimeOffset Time)
    {
        public static Seed Create(string name, byte[] bytes, QuoteCollateral collateral, QuoteVerifier verifier, DateTimeOffset time)
        {
            Quote quote = Quote.Parse(bytes);
            int signatureDataSize = quote.SignedData.Length;
            int certificationSize = quote.SignatureData.CertificationData.Offset - 4;
            int certificationType = certificationSize - 2;
            int authSize = certificationType - quote.SignatureData.QeAuthenticationData.Length - 2;
            var fields = new List<(int, int)> { (signatureDataSize, 4), (certificationSize, 4), (certificationType, 2), (authSize, 2), (0, 2), (2, 2), (4, 4) };
            if (quote.Version >= 4)
            {
                int outer = signatureDataSize + 4 + 128;
                fields.Add((outer, 2));
                fields.Add((outer + 2, 4));
            }

            if (quote.Version == 5)
            {
                fields.Add((48, 2));
                fields.Add((50, 4));
            }

            return new Seed(name, bytes, quote.TrailingBytes, [.. fields], collateral, verifier, time);
        }
    }
}
