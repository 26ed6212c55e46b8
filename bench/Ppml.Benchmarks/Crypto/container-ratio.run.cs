#:project ../../../src/Ppml.Crypto/Ppml.Crypto.csproj
#:property ProjectKind=Benchmark
#:property PublishAot=false

// Quick interleaved measurement of container throughput against raw AES-GCM on the same segments, for noisy
// shared machines: each round runs raw, container, raw again, so load changes hit both sides alike; it prints
// the median ratio. The BenchmarkDotNet classes beside this file are the reference measurement.
//     dotnet run -c Release bench/Ppml.Benchmarks/Crypto/container-ratio.run.cs -- [bytes=1073741824] [rounds=7]
// The baseline is built from the spec alone (docs/formats/ppml-container-v1.md): HKDF key, nonce, header hash.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Ppml.Crypto.Container;

int size = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1 << 30;
int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
const int SegmentSize = ContainerOptions.DefaultSegmentSize;
byte[] key = RandomNumberGenerator.GetBytes(PpmlContainer.DataKeySize);
var keyInfo = new ContainerKeyInfo("file:/bench/keys.json#bench", 1, new byte[64]);
byte[] plaintext = GC.AllocateUninitializedArray<byte>(size);
RandomNumberGenerator.Fill(plaintext);
var encrypted = new MemoryStream(size + (((size / SegmentSize) + 1) * 16) + PpmlContainer.MaxHeaderLength);
await PpmlContainer.EncryptAsync(new MemoryStream(plaintext, writable: false), encrypted, key, keyInfo);
byte[] container = encrypted.GetBuffer();
int containerLength = (int)encrypted.Length;
int headerLength = PpmlContainer.ReadHeader(container).HeaderLength;

byte[] prk = HKDF.Extract(HashAlgorithmName.SHA256, key, container.AsSpan(24, 32).ToArray());
byte[] segmentKey = HKDF.Expand(HashAlgorithmName.SHA256, prk, 32, "PPML container v1 AES-256-GCM segment key"u8.ToArray());
byte[] associatedData = SHA256.HashData(container.AsSpan(0, headerLength));
using var aes = new AesGcm(segmentKey, 16);
byte[] output = new byte[SegmentSize + 16];
byte[] nonce = new byte[12];
container.AsSpan(56, 7).CopyTo(nonce);

double RawDecrypt()
{
    long start = Stopwatch.GetTimestamp();
    uint index = 0;
    for (int offset = headerLength; offset < containerLength; index++)
    {
        int stored = Math.Min(SegmentSize + 16, containerLength - offset);
        int length = stored - 16;
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(7), index);
        nonce[11] = (byte)(offset + stored == containerLength ? 1 : 0);
        aes.Decrypt(nonce, container.AsSpan(offset, length), container.AsSpan(offset + length, 16), output.AsSpan(0, length), associatedData);
        offset += stored;
    }

    return Stopwatch.GetElapsedTime(start).TotalSeconds;
}

double RawEncrypt()
{
    long start = Stopwatch.GetTimestamp();
    uint index = 0;
    for (int offset = 0; offset < size; offset += SegmentSize, index++)
    {
        int length = Math.Min(SegmentSize, size - offset);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(7), index);
        nonce[11] = (byte)(offset + length == size ? 1 : 0);
        aes.Encrypt(nonce, plaintext.AsSpan(offset, length), output.AsSpan(0, length), output.AsSpan(length, 16), associatedData);
    }

    return Stopwatch.GetElapsedTime(start).TotalSeconds;
}

async Task<double> ContainerDecrypt()
{
    long start = Stopwatch.GetTimestamp();
    await PpmlContainer.DecryptAsync(new MemoryStream(container, 0, containerLength, writable: false), Stream.Null, key);
    return Stopwatch.GetElapsedTime(start).TotalSeconds;
}

async Task<double> ContainerEncrypt()
{
    long start = Stopwatch.GetTimestamp();
    await PpmlContainer.EncryptAsync(new MemoryStream(plaintext, writable: false), Stream.Null, key, keyInfo);
    return Stopwatch.GetElapsedTime(start).TotalSeconds;
}

RawDecrypt();
await ContainerDecrypt();
RawEncrypt();
await ContainerEncrypt();
var decrypt = new List<(double Raw, double Container)>();
var encrypt = new List<(double Raw, double Container)>();
for (int round = 0; round < rounds; round++)
{
    double rawBefore = RawDecrypt();
    double container1 = await ContainerDecrypt();
    decrypt.Add(((rawBefore + RawDecrypt()) / 2, container1));
    rawBefore = RawEncrypt();
    double container2 = await ContainerEncrypt();
    encrypt.Add(((rawBefore + RawEncrypt()) / 2, container2));
}

double gib = size / (double)(1 << 30);
Console.WriteLine($"{size} bytes, {SegmentSize}-byte segments, {rounds} interleaved rounds, one thread");
Report("decrypt", decrypt);
Report("encrypt", encrypt);

void Report(string name, List<(double Raw, double Container)> runs)
{
    static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }

    double[] ratios = [.. runs.Select(r => r.Raw / r.Container)];
    Console.WriteLine(
        $"{name}: raw AES-GCM {gib / Median(runs.Select(r => r.Raw)):F2} GiB/s, container {gib / Median(runs.Select(r => r.Container)):F2} GiB/s, " +
        $"container/raw throughput median {Median(ratios):F3} (min {ratios.Min():F3}, max {ratios.Max():F3})");
}
