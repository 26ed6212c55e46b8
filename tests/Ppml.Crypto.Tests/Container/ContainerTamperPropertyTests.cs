using Ppml.Crypto.Container;
using Ppml.Testing;
using static Ppml.Crypto.Tests.Container.ContainerTestData;

namespace Ppml.Crypto.Tests.Container;

/// <summary>
/// Property: every modification of a container is detected, with the documented exception, and no plaintext of
/// the failing segment (or of any later one) is released. The expected failure comes from an oracle written from
/// the spec alone: a reader that meets the header bytes unchanged splits the body into chunks of S + 16 bytes, the
/// last chunk being final; the first chunk that differs (in bytes or in finality) from the original's is the
/// segment that must fail, and exactly the plaintext of the segments before it may be released.
/// </summary>
public sealed class ContainerTamperPropertyTests
{
    private const int Iterations = 10_000;
    private const int SegmentSize = SmallSegment;
    private const int Stored = SegmentSize + 16;

    private enum Mutation
    {
        BitFlipHeader,
        BitFlipBody,
        Truncate,
        Append,
        AppendSegmentCopy,
        Swap,
        Duplicate,
        Drop,
        SpliceSameKey,
        SpliceOtherKey,
        HeaderOfOtherFileSameKey,
        HeaderOfOtherFileOtherKey,
    }

    [Fact]
    public async Task Decrypt_TenThousandRandomMutations_AllDetectedWithoutReleasingFailingSegment()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        byte[] key = Key(100);
        byte[] otherKey = Key(200);
        int length = (3 * SegmentSize) + 1000;
        Sample a = await Sample.CreateAsync(Plaintext(length, 1), key);
        Sample sameKeyDonor = await Sample.CreateAsync(Plaintext(length, 2), key);
        Sample otherKeyDonor = await Sample.CreateAsync(Plaintext(length, 3), otherKey);
        Sample[] targets =
        [
            a,
            await Sample.CreateAsync(Plaintext(2 * SegmentSize, 4), key),
            await Sample.CreateAsync([], key),
            await Sample.CreateAsync(Plaintext(1, 5), key),
            await Sample.CreateAsync(Plaintext(SegmentSize + 16, 6), key),
        ];
        var random = new Random(20_240_601);
        var counts = new Dictionary<Mutation, int>();
        using var directory = new TempDirectory();
        Mutation[] kinds = Enum.GetValues<Mutation>();

        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            Mutation kind = kinds[random.Next(kinds.Length)];

            // Splices need a donor of the same shape, which only sample a has.
            Sample target = kind is Mutation.SpliceSameKey or Mutation.SpliceOtherKey or Mutation.HeaderOfOtherFileSameKey or Mutation.HeaderOfOtherFileOtherKey
                ? a
                : targets[random.Next(targets.Length)];
            byte[]? mutated = Mutate(target, kind, random, sameKeyDonor, otherKeyDonor, target == a);
            if (mutated is null)
            {
                // The mutation does not apply to this sample (e.g. swapping segments of a one-segment file).
                iteration--;
                continue;
            }

            Assert.False(mutated.AsSpan().SequenceEqual(target.Container), $"{kind} produced an unchanged container.");
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
            long? expectedSegment = ExpectedFailure(target, mutated, kind);
            string context = $"iteration {iteration}, {kind}, sample of {target.Plaintext.Length} bytes";

            using var output = new MemoryStream();
            Exception? caught = await CatchAsync(() => PpmlContainer.DecryptAsync(new MemoryStream(mutated), output, key, cancellationToken));
            AssertDetected(caught, expectedSegment, output.ToArray(), target, context);

            if (iteration % 10 == 0)
            {
                using var received = new MemoryStream();
                caught = await CatchAsync(async () =>
                {
                    await using var stream = await ContainerReadStream.OpenAsync(new NonSeekableStream(new MemoryStream(mutated), maxChunk: 5000), key, cancellationToken: cancellationToken);
                    await stream.CopyToAsync(received, cancellationToken);
                });
                AssertDetected(caught, expectedSegment, received.ToArray(), target, context + " (ContainerReadStream)");

                await AssertRandomAccessDetectsAsync(mutated, key, target, context, cancellationToken);
            }

            if (iteration % 40 == 0)
            {
                string input = directory.Combine($"m{iteration}.ppml");
                string outputPath = directory.Combine($"m{iteration}.out");
                await File.WriteAllBytesAsync(input, mutated, cancellationToken);
                caught = await CatchAsync(() => PpmlContainer.DecryptFileAsync(input, outputPath, (_, _) => ValueTask.FromResult(key.ToArray()), cancellationToken: cancellationToken));
                AssertDetected(caught, expectedSegment, [], target, context + " (DecryptFileAsync)", releasedMayBePrefix: false);
                Assert.Contains(input, caught!.Message, StringComparison.Ordinal);
                Assert.Equal([input], Directory.GetFiles(directory.Path));
                File.Delete(input);
            }
        }

        foreach (Mutation kind in kinds)
        {
            Assert.True(counts.GetValueOrDefault(kind) >= 300, $"{kind} ran only {counts.GetValueOrDefault(kind)} times.");
        }
    }

    /// <summary>The oracle: null means the header must fail; otherwise the index of the first segment that must fail.</summary>
    private static long? ExpectedFailure(Sample original, byte[] mutated, Mutation kind)
    {
        int headerLength = original.HeaderLength;
        if (kind == Mutation.HeaderOfOtherFileSameKey)
        {
            // An authentic header of another file: it verifies, then segment 0 fails (other salt, other key).
            return 0;
        }

        if (mutated.Length < headerLength || !mutated.AsSpan(0, headerLength).SequenceEqual(original.Container.AsSpan(0, headerLength)))
        {
            return null;
        }

        for (long index = 0; ; index++)
        {
            (ReadOnlyMemory<byte> expected, bool expectedFinal) = Chunk(original.Container, headerLength, index);
            (ReadOnlyMemory<byte> actual, bool actualFinal) = Chunk(mutated, headerLength, index);
            if (expectedFinal != actualFinal || !expected.Span.SequenceEqual(actual.Span))
            {
                return index;
            }

            Assert.False(expectedFinal, "The oracle found no difference in a changed container.");
        }
    }

    private static (ReadOnlyMemory<byte> Bytes, bool IsFinal) Chunk(byte[] container, int headerLength, long index)
    {
        long start = headerLength + (index * Stored);
        long end = Math.Min(start + Stored, container.Length);
        if (start > container.Length)
        {
            return (ReadOnlyMemory<byte>.Empty, true);
        }

        return (container.AsMemory((int)start, (int)(end - start)), end == container.Length);
    }

    private static void AssertDetected(Exception? caught, long? expectedSegment, byte[] released, Sample target, string context, bool releasedMayBePrefix = true)
    {
        Assert.True(caught is not null, $"{context}: the modification was not detected.");
        if (expectedSegment is null)
        {
            bool headerFailure = caught is InvalidContainerException || caught is ContainerAuthenticationException { SegmentIndex: null };
            Assert.True(headerFailure, $"{context}: expected a header failure, got {caught.GetType().Name}: {caught.Message}");
            Assert.Empty(released);
            return;
        }

        var authentication = Assert.IsType<ContainerAuthenticationException>(caught, exactMatch: true);
        Assert.True(authentication.SegmentIndex == expectedSegment, $"{context}: expected segment {expectedSegment} to fail, got {authentication.SegmentIndex}: {caught.Message}");
        Assert.Contains($"Segment {expectedSegment}", caught.Message, StringComparison.Ordinal);
        int authentic = releasedMayBePrefix ? (int)Math.Min(expectedSegment.Value * SegmentSize, target.Plaintext.Length) : 0;
        Assert.True(
            released.AsSpan().SequenceEqual(target.Plaintext.AsSpan(0, authentic)),
            $"{context}: released {released.Length} bytes; exactly the {authentic} bytes of the segments before {expectedSegment} were allowed.");
    }

    /// <summary>Random access must throw for some segment (or at open), and every segment it does return must be authentic.</summary>
    private static async Task AssertRandomAccessDetectsAsync(byte[] mutated, byte[] key, Sample target, string context, CancellationToken cancellationToken)
    {
        Exception? caught = await CatchAsync(async () =>
        {
            using var reader = await ContainerReader.OpenAsync(new MemoryStream(mutated), key, cancellationToken: cancellationToken);
            byte[] buffer = new byte[SegmentSize];
            for (long index = 0; index < reader.SegmentCount; index++)
            {
                int read = await reader.ReadSegmentAsync(index, buffer, cancellationToken);
                int start = (int)(index * SegmentSize);
                Assert.True(
                    start + read <= target.Plaintext.Length && buffer.AsSpan(0, read).SequenceEqual(target.Plaintext.AsSpan(start, read)),
                    $"{context} (ContainerReader): segment {index} returned bytes that are not the original plaintext.");
            }
        });

        Assert.True(
            caught is InvalidContainerException or ContainerAuthenticationException,
            $"{context} (ContainerReader): expected detection, got {(caught is null ? "success" : caught.GetType().Name + ": " + caught.Message)}");
    }

    private static byte[]? Mutate(Sample target, Mutation kind, Random random, Sample sameKeyDonor, Sample otherKeyDonor, bool donorsFit)
    {
        byte[] container = target.Container;
        int headerLength = target.HeaderLength;
        List<byte[]> chunks = target.Chunks();
        switch (kind)
        {
            case Mutation.BitFlipHeader:
            {
                byte[] copy = container.ToArray();
                copy[random.Next(headerLength)] ^= (byte)(1 << random.Next(8));
                return copy;
            }

            case Mutation.BitFlipBody:
            {
                byte[] copy = container.ToArray();
                copy[random.Next(headerLength, container.Length)] ^= (byte)(1 << random.Next(8));
                return copy;
            }

            case Mutation.Truncate:
                return container.AsSpan(0, random.Next(container.Length)).ToArray();

            case Mutation.Append:
            {
                byte[] extra = new byte[random.Next(1, (2 * Stored) + 1)];
                random.NextBytes(extra);
                return [.. container, .. extra];
            }

            case Mutation.AppendSegmentCopy:
                return [.. container, .. chunks[random.Next(chunks.Count)]];

            case Mutation.Swap:
            {
                if (chunks.Count < 2)
                {
                    return null;
                }

                int i = random.Next(chunks.Count);
                int j = (i + random.Next(1, chunks.Count)) % chunks.Count;
                (chunks[i], chunks[j]) = (chunks[j], chunks[i]);
                return Join(container, headerLength, chunks);
            }

            case Mutation.Duplicate:
            {
                byte[] copy = chunks[random.Next(chunks.Count)];
                chunks.Insert(random.Next(chunks.Count + 1), copy);
                return Join(container, headerLength, chunks);
            }

            case Mutation.Drop:
                chunks.RemoveAt(random.Next(chunks.Count));
                return Join(container, headerLength, chunks);

            case Mutation.SpliceSameKey or Mutation.SpliceOtherKey:
            {
                if (!donorsFit)
                {
                    return null;
                }

                List<byte[]> donor = (kind == Mutation.SpliceSameKey ? sameKeyDonor : otherKeyDonor).Chunks();
                int index = random.Next(chunks.Count);
                chunks[index] = donor[index];
                return Join(container, headerLength, chunks);
            }

            case Mutation.HeaderOfOtherFileSameKey or Mutation.HeaderOfOtherFileOtherKey:
            {
                if (!donorsFit)
                {
                    return null;
                }

                Sample donor = kind == Mutation.HeaderOfOtherFileSameKey ? sameKeyDonor : otherKeyDonor;
                return [.. donor.Container.AsSpan(0, donor.HeaderLength), .. container.AsSpan(headerLength)];
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static byte[] Join(byte[] container, int headerLength, List<byte[]> chunks)
    {
        var result = new List<byte>(container.Length + Stored);
        result.AddRange(container.AsSpan(0, headerLength));
        foreach (byte[] chunk in chunks)
        {
            result.AddRange(chunk);
        }

        return [.. result];
    }

    private static async Task<Exception?> CatchAsync(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return exception;
        }
    }

    private sealed class Sample
    {
        private Sample(byte[] plaintext, byte[] container)
        {
            Plaintext = plaintext;
            Container = container;
            HeaderLength = ContainerTestData.HeaderLength(container);
        }

        public byte[] Plaintext { get; }

        public byte[] Container { get; }

        public int HeaderLength { get; }

        public static async Task<Sample> CreateAsync(byte[] plaintext, byte[] key) =>
            new(plaintext, await EncryptAsync(plaintext, key, SegmentSize));

        public List<byte[]> Chunks()
        {
            var chunks = new List<byte[]>();
            for (int offset = HeaderLength; offset < Container.Length; offset += Stored)
            {
                chunks.Add(Container.AsSpan(offset, Math.Min(Stored, Container.Length - offset)).ToArray());
            }

            return chunks;
        }
    }
}
