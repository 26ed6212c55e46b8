#:project ../../../../src/Ppml.Crypto/Ppml.Crypto.csproj
#:property ProjectKind=Benchmark
#:property PublishAot=false

// Writes the PPML container v1 golden files and golden.json into the folder of this script, with the public API.
// Run once per format version from the repository root:
//     dotnet run tests/Ppml.Crypto.Tests/TestData/golden/generate.cs
// Never regenerate the files of a shipped version: GoldenFileTests must keep decrypting the committed ones.
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ppml.Crypto.Container;

string directory = Path.GetDirectoryName(ScriptPath())!;
var lines = new StringBuilder("id,region,amount\n");
for (int i = 0; lines.Length < 10_000; i++)
{
    lines.Append(i).Append(",region-").Append(i % 7).Append(',').Append((i * 37) % 1000).Append(".25\n");
}

(string Name, string PlaintextFile, byte[] Plaintext, int SegmentSize, string KeyReference)[] cases =
[
    ("empty", "empty.txt", [], 4096, "file:/etc/ppml/keys.json#golden-empty"),
    ("hello", "hello.txt", "Hello, PPML!\n"u8.ToArray(), ContainerOptions.DefaultSegmentSize, "golden-hello"),
    ("lines", "lines.csv", Encoding.UTF8.GetBytes(lines.ToString()), 4096, "file:/etc/ppml/keys.json#golden-lines"),
    ("exact", "exact.bin", RandomNumberGenerator.GetBytes(8192), 4096, "kms://ppml-kms.local/keys/golden-exact"),
    ("unicode", "unicode.bin", RandomNumberGenerator.GetBytes(12_345), 5000, "file:/var/lib/ppml/clés.json#données"),
];

var entries = new List<object>();
foreach (var (name, plaintextFile, plaintext, segmentSize, keyReference) in cases)
{
    byte[] dataKey = RandomNumberGenerator.GetBytes(PpmlContainer.DataKeySize);
    var keyInfo = new ContainerKeyInfo(keyReference, RandomNumberGenerator.GetInt32(1, 10), RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(40, 80)));
    string containerFile = name + ".ppml";
    await File.WriteAllBytesAsync(Path.Combine(directory, plaintextFile), plaintext);
    using (var output = new MemoryStream())
    {
        await PpmlContainer.EncryptAsync(new MemoryStream(plaintext), output, dataKey, keyInfo, new ContainerOptions { SegmentSize = segmentSize });
        await File.WriteAllBytesAsync(Path.Combine(directory, containerFile), output.ToArray());
    }

    entries.Add(new
    {
        container = containerFile,
        plaintext = plaintextFile,
        dataKey = Convert.ToHexStringLower(dataKey),
        keyReference,
        keyVersion = keyInfo.KeyVersion,
        wrappedDataKey = Convert.ToHexStringLower(keyInfo.WrappedDataKey.Span),
        segmentSize,
        plaintextLength = plaintext.Length,
        segmentCount = Math.Max(1, (plaintext.Length + segmentSize - 1) / segmentSize),
        formatVersion = 1,
    });
    Console.WriteLine($"wrote {containerFile}");
}

var document = new { description = "PPML container v1 golden files; see README.md. Test-only keys.", files = entries };
await File.WriteAllTextAsync(
    Path.Combine(directory, "golden.json"),
    JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }) + "\n");

static string ScriptPath([CallerFilePath] string path = "") => path;
