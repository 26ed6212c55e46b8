using Ppml.Data;
using Ppml.Data.Tables;
using Ppml.Kms.File;
using Ppml.Testing;
using Ppml.Workloads.Files;

namespace Ppml.Workloads.Tests.Files;

public class ProtectedTreeTests
{
    [Fact]
    public async Task EncryptThenDecrypt_Tree_RoundTripsEveryFileAndNamesThemPpml()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        using FileKeyManagementService kms = await CreateKmsAsync(temp, cancellationToken);
        string plain = temp.Combine("plain");
        Directory.CreateDirectory(Path.Combine(plain, "sub"));
        await File.WriteAllTextAsync(Path.Combine(plain, "a.txt"), "alpha secret\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(plain, "sub", "b.csv"), "x,y\n1,2\n", cancellationToken);

        ProtectedTreePlan encrypted = await ProtectedTree.EncryptAsync(kms, "k", plain, temp.Combine("enc"), overwrite: false, cancellationToken);
        ProtectedTreePlan decrypted = await ProtectedTree.DecryptAsync(kms, temp.Combine("enc"), temp.Combine("dec"), overwrite: false, cancellationToken);

        Assert.Equal(2, encrypted.Count);
        Assert.Equal(encrypted.TotalBytes, new FileInfo(Path.Combine(plain, "a.txt")).Length + new FileInfo(Path.Combine(plain, "sub", "b.csv")).Length);
        Assert.True(File.Exists(temp.Combine("enc", "sub", "b.csv.ppml")));
        Assert.DoesNotContain("alpha", await File.ReadAllTextAsync(temp.Combine("enc", "a.txt.ppml"), cancellationToken), StringComparison.Ordinal);
        Assert.Equal(2, decrypted.Count);
        Assert.Equal("alpha secret\n", await File.ReadAllTextAsync(temp.Combine("dec", "a.txt"), cancellationToken));
        Assert.Equal("x,y\n1,2\n", await File.ReadAllTextAsync(temp.Combine("dec", "sub", "b.csv"), cancellationToken));
    }

    [Fact]
    public async Task EncryptThenDecrypt_Issue11_SchemaFileIsCopiedAndStillFindsTheTables()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        using FileKeyManagementService kms = await CreateKmsAsync(temp, cancellationToken);
        string plain = temp.Combine("plain");
        Directory.CreateDirectory(plain);
        await File.WriteAllTextAsync(Path.Combine(plain, "t.tbl"), "1|\n", cancellationToken);
        await TableSchemaFile.WriteAsync(plain, [new TableSchemaEntry("t", "t.tbl", DatasetFormat.Tbl, DatasetSchema.Parse("k INTEGER"))], cancellationToken);

        ProtectedTreePlan encrypted = await ProtectedTree.EncryptAsync(kms, "k", plain, temp.Combine("enc"), overwrite: false, cancellationToken);
        ProtectedTreePlan decrypted = await ProtectedTree.DecryptAsync(kms, temp.Combine("enc"), temp.Combine("dec"), overwrite: false, cancellationToken);
        TableSource inEncrypted = TableSources.Parse(["t=enc"], [], requireEncrypted: true, p => temp.Combine(p)).Single();
        TableSource inDecrypted = TableSources.Parse(["t=dec"], [], requireEncrypted: false, p => temp.Combine(p)).Single();

        Assert.Equal(2, encrypted.Count);
        Assert.Equal(2, decrypted.Count);
        string schema = await File.ReadAllTextAsync(Path.Combine(plain, TableSchemaFile.FileName), cancellationToken);
        Assert.Equal(schema, await File.ReadAllTextAsync(temp.Combine("enc", TableSchemaFile.FileName), cancellationToken));
        Assert.Equal(schema, await File.ReadAllTextAsync(temp.Combine("dec", TableSchemaFile.FileName), cancellationToken));
        Assert.Equal(temp.Combine("enc", "t.tbl.ppml"), inEncrypted.Path);
        Assert.Equal(temp.Combine("dec", "t.tbl"), inDecrypted.Path);
        Assert.Equal("k", inEncrypted.ReadOptions.Schema!.Single().Name);
    }

    [Fact]
    public async Task Decrypt_TamperedFileInTree_ThrowsNamingTheFileAndWritesNothing()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        using FileKeyManagementService kms = await CreateKmsAsync(temp, cancellationToken);
        string plain = temp.Combine("plain");
        Directory.CreateDirectory(plain);
        await File.WriteAllTextAsync(Path.Combine(plain, "a.txt"), new string('a', 4096), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(plain, "b.txt"), new string('b', 4096), cancellationToken);
        await ProtectedTree.EncryptAsync(kms, "k", plain, temp.Combine("enc"), overwrite: false, cancellationToken);
        string victim = temp.Combine("enc", "b.txt.ppml");
        byte[] bytes = await File.ReadAllBytesAsync(victim, cancellationToken);
        bytes[^20] ^= 0x01;
        await File.WriteAllBytesAsync(victim, bytes, cancellationToken);

        ProtectedFileException failed = await Assert.ThrowsAsync<ProtectedFileException>(
            () => ProtectedTree.DecryptAsync(kms, temp.Combine("enc"), temp.Combine("dec"), overwrite: false, cancellationToken));

        Assert.Equal(victim, failed.FilePath);
        Assert.Contains(victim, failed.Message, StringComparison.Ordinal);
        Assert.NotNull(failed.InnerException);
        Assert.False(Directory.Exists(temp.Combine("dec")));
    }

    [Fact]
    public void Plan_RefusesMissingInputOutputInsideInputExistingOutputAndPlainFilesInADecryptTree()
    {
        using var temp = new TempDirectory();
        string input = temp.Combine("in");
        Directory.CreateDirectory(input);
        File.WriteAllText(Path.Combine(input, "plain.txt"), "x");
        string existing = temp.Combine("out");
        Directory.CreateDirectory(existing);
        File.WriteAllText(Path.Combine(existing, "keep"), "x");

        WorkloadException missing = Assert.Throws<WorkloadException>(() => ProtectedTree.Plan(temp.Combine("nope"), temp.Combine("o"), encrypt: true, overwrite: false));
        WorkloadException inside = Assert.Throws<WorkloadException>(() => ProtectedTree.Plan(input, Path.Combine(input, "o"), encrypt: true, overwrite: false));
        WorkloadException exists = Assert.Throws<WorkloadException>(() => ProtectedTree.Plan(input, existing, encrypt: true, overwrite: false));
        WorkloadException notContainer = Assert.Throws<WorkloadException>(() => ProtectedTree.Plan(input, temp.Combine("o"), encrypt: false, overwrite: false));

        Assert.True(missing.IsInvalidInput);
        Assert.True(inside.IsInvalidInput);
        Assert.False(exists.IsInvalidInput);
        Assert.Contains("--force", exists.Message, StringComparison.Ordinal);
        Assert.True(notContainer.IsInvalidInput);
        Assert.Contains("plain.txt", notContainer.Message, StringComparison.Ordinal);
        Assert.Equal(1, ProtectedTree.Plan(input, existing, encrypt: true, overwrite: true).Count);
    }

    private static async Task<FileKeyManagementService> CreateKmsAsync(TempDirectory temp, CancellationToken cancellationToken)
    {
        FileKeyManagementService kms = await FileKeyManagementService.CreateAsync(temp.Combine("kms"), "test password", TimeProvider.System, cancellationToken);
        await kms.CreateKeyAsync("k", cancellationToken);
        return kms;
    }
}
