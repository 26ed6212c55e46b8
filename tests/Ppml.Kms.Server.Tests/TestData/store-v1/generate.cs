#:project ../../../../src/Ppml.Kms.Server/Ppml.Kms.Server.csproj
#:property ProjectKind=Benchmark
#:property PublishAot=false

// Writes a KMS server store (kms.db, operator.secret, admin.apikey) and golden.json into the folder of this script,
// with the public API of the server as it shipped before data-key wrap format 3: the root key and key versions sealed
// with AES-256-GCM under random nonces, data keys wrapped in format 2. It was run once with
// src/Ppml.Kms.Server/Crypto/Sealing.cs and DataKeyWrapping.cs as at commit 8cebd2b:
//     dotnet run tests/Ppml.Kms.Server.Tests/TestData/store-v1/generate.cs
// Never regenerate: the server must keep opening this store and unwrapping these keys. Run at a later commit it would
// write the current formats instead.
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Ppml.Crypto.Keys;
using Ppml.Kms;
using Ppml.Kms.Remote;
using Ppml.Kms.Server;

const string TlsPassword = "golden-tls-password";
string directory = Path.GetDirectoryName(ScriptPath())!;
string temp = Path.Combine(Path.GetTempPath(), "ppml-golden-server-" + Guid.NewGuid().ToString("N"));
string store = Path.Combine(temp, "store");
await TlsMaterialGenerator.WriteAsync(Path.Combine(temp, "tls"), TlsPassword, [], TimeProvider.System, overwrite: false, CancellationToken.None);
var options = new KmsServerOptions
{
    Urls = ["https://127.0.0.1:0"],
    StoreDirectory = store,
    Certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(temp, "tls", "keystore.pkcs12"), TlsPassword),
};
X509Certificate2 ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(temp, "tls", "ca.crt"));
var entries = new List<object>();
await using (KmsServer server = await KmsServer.StartAsync(options))
{
    using var client = new KmsClient(server.BaseAddress, File.ReadAllText(server.AdminKeyPath).Trim(), ca);
    await client.CreateKeyAsync("primary");
    await client.CreateKeyAsync("orders.2026");
    entries.Add(await Generate(client, "primary"));
    await client.RotateKeyAsync("primary");
    entries.Add(await Generate(client, "primary"));
    entries.Add(await Generate(client, "orders.2026"));
}

// Close pooled connections so SQLite checkpoints the WAL into kms.db and the database is one self-contained file.
SqliteConnection.ClearAllPools();
foreach (string file in new[] { "kms.db", "operator.secret", "admin.apikey" })
{
    File.Copy(Path.Combine(store, file), Path.Combine(directory, file), overwrite: true);
}

Directory.Delete(temp, recursive: true);
var document = new { description = "Data keys of the golden v1 KMS server store; see README.md. Test-only secrets and keys.", dataKeys = entries };
await File.WriteAllTextAsync(Path.Combine(directory, "golden.json"), JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }) + "\n");
Console.WriteLine("wrote kms.db, operator.secret, admin.apikey and golden.json");

static async Task<object> Generate(KmsClient client, string name)
{
    using DataKey key = await client.GenerateDataKeyAsync(name);
    return new { keyName = name, keyVersion = key.KeyVersion, dataKey = Convert.ToHexStringLower(key.Plaintext.Span), wrappedKey = Convert.ToHexStringLower(key.WrappedKey.Span) };
}

static string ScriptPath([CallerFilePath] string path = "") => path;
