#:property ProjectKind=Benchmark
#:property PublishAot=false

// Writes legacy-vectors.json into the folder of this script: data keys wrapped and values sealed by copies of the code
// that shipped before DerivedKeyAead (commit 8cebd2b), so the new readers are tested against bytes the old writers made.
// Run once from the repository root:
//     dotnet run tests/Ppml.Crypto.Tests/TestData/aead/generate-legacy.cs
// Never regenerate: the vectors stand for keys wrapped and values sealed in the field. The functions below are copied
// verbatim (names aside) from:
//   WrapV1   src/Ppml.Kms/File/FileKeyManagementService.cs        Wrap / WrapAssociatedData   (file KMS, format 1)
//   WrapV2   src/Ppml.Kms.Server/Crypto/DataKeyWrapping.cs        Wrap / AssociatedData       (KMS server, format 2)
//   SealGcm  src/Ppml.Kms.Server/Crypto/Sealing.cs                Seal (the file KMS's private Seal is the same bytes)
//   Pseal1   src/Ppml.Tee/Sealing/Sealer.cs                       SealAsync, with the sealing key passed in
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

string directory = Path.GetDirectoryName(ScriptPath())!;
var wraps = new List<object>();
(string Name, int Version)[] names = [("primary", 1), ("orders", 7), ("clés-données", 2), ("k", int.MaxValue)];
foreach (byte format in new byte[] { 1, 2 })
{
    foreach (var (name, version) in names)
    {
        byte[] primary = RandomNumberGenerator.GetBytes(32);
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);
        byte[] wrapped = format == 1 ? WrapV1(primary, name, version, dataKey) : WrapV2(primary, name, version, dataKey);
        wraps.Add(new { format, primaryKey = Hex(primary), keyName = name, keyVersion = version, dataKey = Hex(dataKey), wrapped = Hex(wrapped) });
    }
}

var seals = new List<object>();
(string Context, byte[] Plaintext)[] sealCases =
[
    ("ppml-kms-root", RandomNumberGenerator.GetBytes(32)),
    ("ppml-kms-key\0orders\02", RandomNumberGenerator.GetBytes(32)),
    ("ppml-kms-signing-key\0sig-1", RandomNumberGenerator.GetBytes(121)),
    ("check", Encoding.ASCII.GetBytes("ppml-kms-store-check-v1")),
    ("empty", []),
];
foreach (var (context, plaintext) in sealCases)
{
    byte[] key = RandomNumberGenerator.GetBytes(32);
    seals.Add(new { key = Hex(key), context, plaintext = Hex(plaintext), @sealed = Hex(SealGcm(key, plaintext, context)) });
}

var pseal1 = new List<object>();
foreach (var (policy, plaintext) in new (byte, byte[])[] { (0, "model weights key"u8.ToArray()), (1, []), (1, RandomNumberGenerator.GetBytes(300)) })
{
    byte[] key = RandomNumberGenerator.GetBytes(32);
    pseal1.Add(new { key = Hex(key), policy, plaintext = Hex(plaintext), blob = Hex(Pseal1(key, policy, plaintext)) });
}

var document = new
{
    description = "Legacy (pre-format-3) wrapped data keys and sealed values, written by copies of the shipped code; see README.md. Test-only keys.",
    dataKeyWraps = wraps,
    seals,
    pseal1,
};
await File.WriteAllTextAsync(
    Path.Combine(directory, "legacy-vectors.json"),
    JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
Console.WriteLine("wrote legacy-vectors.json");

static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

static string ScriptPath([CallerFilePath] string path = "") => path;

// ---- src/Ppml.Kms/File/FileKeyManagementService.cs at 8cebd2b ----
static byte[] WrapV1(ReadOnlySpan<byte> primary, string keyName, int keyVersion, ReadOnlySpan<byte> dataKey)
{
    const int NonceSize = 12, KeySize = 32, TagSize = 16, WrappedKeyLength = 1 + NonceSize + KeySize + TagSize;
    byte[] wrapped = new byte[WrappedKeyLength];
    wrapped[0] = 1;
    Span<byte> nonce = wrapped.AsSpan(1, NonceSize);
    RandomNumberGenerator.Fill(nonce);
    using var aes = new AesGcm(primary, TagSize);
    aes.Encrypt(
        nonce,
        dataKey,
        wrapped.AsSpan(1 + NonceSize, KeySize),
        wrapped.AsSpan(1 + NonceSize + KeySize, TagSize),
        WrapAssociatedDataV1(keyName, keyVersion));
    return wrapped;
}

static byte[] WrapAssociatedDataV1(string keyName, int keyVersion)
{
    byte[] name = Encoding.UTF8.GetBytes(keyName);
    byte[] data = new byte[10 + name.Length + 4];
    "ppml-dk-v1"u8.CopyTo(data);
    name.CopyTo(data, 10);
    BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(10 + name.Length), keyVersion);
    return data;
}

// ---- src/Ppml.Kms.Server/Crypto/DataKeyWrapping.cs at 8cebd2b ----
static byte[] WrapV2(ReadOnlySpan<byte> primary, string keyName, int keyVersion, ReadOnlySpan<byte> dataKey)
{
    const int NonceSize = 12, DataKeySize = 32, TagSize = 16, WrappedSize = 1 + NonceSize + DataKeySize + TagSize;
    byte[] wrapped = new byte[WrappedSize];
    wrapped[0] = 2;
    RandomNumberGenerator.Fill(wrapped.AsSpan(1, NonceSize));
    using var aes = new AesGcm(primary, TagSize);
    aes.Encrypt(wrapped.AsSpan(1, NonceSize), dataKey, wrapped.AsSpan(1 + NonceSize, DataKeySize), wrapped.AsSpan(1 + NonceSize + DataKeySize), AssociatedDataV2(keyName, keyVersion));
    return wrapped;
}

static byte[] AssociatedDataV2(string keyName, int keyVersion)
{
    byte[] name = Encoding.UTF8.GetBytes(keyName);
    byte[] data = new byte[15 + name.Length + 1 + 4];
    "ppml-kms-dk-v2\0"u8.CopyTo(data);
    name.CopyTo(data, 15);
    BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(data.Length - 4), keyVersion);
    return data;
}

// ---- src/Ppml.Kms.Server/Crypto/Sealing.cs at 8cebd2b (the file KMS's Seal writes the same bytes, AAD = its bytes) ----
static byte[] SealGcm(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, string context)
{
    const int NonceSize = 12, TagSize = 16;
    byte[] sealedBytes = new byte[NonceSize + plaintext.Length + TagSize];
    Span<byte> nonce = sealedBytes.AsSpan(0, NonceSize);
    RandomNumberGenerator.Fill(nonce);
    using var aes = new AesGcm(key, TagSize);
    aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize, plaintext.Length), sealedBytes.AsSpan(NonceSize + plaintext.Length), Encoding.UTF8.GetBytes(context));
    return sealedBytes;
}

// ---- src/Ppml.Tee/Sealing/Sealer.cs SealAsync at 8cebd2b, with the policy's sealing key passed in ----
static byte[] Pseal1(byte[] key, byte policy, ReadOnlySpan<byte> plaintext)
{
    const int NonceSize = 12, TagSize = 16;
    ReadOnlySpan<byte> magic = "PSEAL1"u8;
    int headerLength = magic.Length + 1 + NonceSize;
    byte[] blob = new byte[headerLength + plaintext.Length + TagSize];
    magic.CopyTo(blob);
    blob[magic.Length] = policy;
    RandomNumberGenerator.Fill(blob.AsSpan(magic.Length + 1, NonceSize));
    using var aes = new AesGcm(key, TagSize);
    aes.Encrypt(
        blob.AsSpan(magic.Length + 1, NonceSize),
        plaintext,
        blob.AsSpan(headerLength, plaintext.Length),
        blob.AsSpan(headerLength + plaintext.Length),
        blob.AsSpan(0, magic.Length + 1));
    return blob;
}
