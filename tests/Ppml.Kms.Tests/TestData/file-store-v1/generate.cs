#:project ../../../../src/Ppml.Kms/Ppml.Kms.csproj
#:property ProjectKind=Benchmark
#:property PublishAot=false

// Writes a file KMS store (kms.json, format "ppml-kms-file/1", key versions sealed with AES-GCM under random nonces,
// data keys wrapped in format 1) and golden.json (data keys generated from it) into the folder of this script, with
// the public API of the code that shipped before data-key wrap format 3. It was run once at commit 8cebd2b:
//     dotnet run tests/Ppml.Kms.Tests/TestData/file-store-v1/generate.cs
// Never regenerate: FileKeyManagementService must keep opening this store and unwrapping these keys. Run at a later
// commit it would write the current formats instead.
using System.Runtime.CompilerServices;
using System.Text.Json;
using Ppml.Kms;
using Ppml.Kms.File;

const string Password = "golden-test-password";
string directory = Path.GetDirectoryName(ScriptPath())!;
string store = Path.Combine(Path.GetTempPath(), "ppml-golden-store-" + Guid.NewGuid().ToString("N"));
var entries = new List<object>();
using (FileKeyManagementService kms = await FileKeyManagementService.CreateAsync(store, Password))
{
    await kms.CreateKeyAsync("primary");
    await kms.CreateKeyAsync("orders.2026");
    entries.Add(await Generate(kms, "primary"));
    await kms.RotateKeyAsync("primary");
    entries.Add(await Generate(kms, "primary"));
    entries.Add(await Generate(kms, "orders.2026"));
}

File.Copy(Path.Combine(store, FileKeyManagementService.StoreFileName), Path.Combine(directory, FileKeyManagementService.StoreFileName), overwrite: true);
Directory.Delete(store, recursive: true);
var document = new { description = "Data keys of the golden v1 file KMS store kms.json; see README.md. Test-only keys.", password = Password, dataKeys = entries };
await File.WriteAllTextAsync(
    Path.Combine(directory, "golden.json"),
    JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
Console.WriteLine("wrote kms.json and golden.json");

static async Task<object> Generate(FileKeyManagementService kms, string name)
{
    using DataKey key = await kms.GenerateDataKeyAsync(name);
    return new { keyName = name, keyVersion = key.KeyVersion, dataKey = Convert.ToHexStringLower(key.Plaintext.Span), wrappedKey = Convert.ToHexStringLower(key.WrappedKey.Span) };
}

static string ScriptPath([CallerFilePath] string path = "") => path;
