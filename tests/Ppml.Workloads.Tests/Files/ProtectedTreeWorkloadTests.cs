using Ppml.Kms.File;
using Ppml.Testing;
using Ppml.Workloads.Files;
using Ppml.Workloads.Workspace;

namespace Ppml.Workloads.Tests.Files;

public sealed class ProtectedTreeWorkloadTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EncryptThenDecrypt_FileKmsTarget_RoundTripsUnderTheNamedKey_Unattested()
    {
        using var temp = new TempDirectory();
        KmsTarget target = await FileKmsAsync(temp);
        var host = new WorkloadHost { WorkingDirectory = temp.Path, GetEnvironmentVariable = _ => null };
        File.WriteAllText(temp.Combine("a.csv"), "id\n1\n");
        var progress = new List<long>();

        string key = await ProtectedTreeWorkload.EncryptAsync(
            host, target, ProtectedTree.Plan(temp.Combine("a.csv"), temp.Combine("a.csv.ppml"), encrypt: true, overwrite: false), "datasets", progress: new Recorder(progress), cancellationToken: Token);
        bool attested = await ProtectedTreeWorkload.DecryptAsync(
            host, target, ProtectedTree.Plan(temp.Combine("a.csv.ppml"), temp.Combine("back.csv"), encrypt: false, overwrite: false), cancellationToken: Token);

        Assert.Equal("datasets", key);
        Assert.False(attested);
        Assert.Equal(5, progress.Sum());
        Assert.Equal("id\n1\n", File.ReadAllText(temp.Combine("back.csv")));
    }

    [Fact]
    public async Task EncryptAsync_DecryptionPlan_ArgumentExceptionAndNothingWritten()
    {
        using var temp = new TempDirectory();
        KmsTarget target = await FileKmsAsync(temp);
        File.WriteAllText(temp.Combine("a.txt"), "x");
        ProtectedTreePlan decryptPlan = ProtectedTree.Plan(temp.Combine("a.txt"), temp.Combine("out"), encrypt: false, overwrite: false);

        await Assert.ThrowsAsync<ArgumentException>(() => ProtectedTreeWorkload.EncryptAsync(new WorkloadHost { WorkingDirectory = temp.Path }, target, decryptPlan, cancellationToken: Token));

        Assert.False(File.Exists(temp.Combine("out")));
    }

    private static async Task<KmsTarget> FileKmsAsync(TempDirectory temp)
    {
        using (FileKeyManagementService kms = await FileKeyManagementService.CreateAsync(temp.Combine("kms"), "store password", TimeProvider.System, Token))
        {
            await kms.CreateKeyAsync("datasets", Token);
        }

        File.WriteAllText(temp.Combine("kms.password"), "store password");
        File.SetUnixFileMode(temp.Combine("kms.password"), Ppml.Core.IO.SecretFiles.FileMode); // a secret: owner-only (issue 11, item 17)
        return new KmsTarget(Home: temp.Path, KmsUri: "file:" + temp.Combine("kms"), PasswordFile: temp.Combine("kms.password"));
    }

    private sealed class Recorder(List<long> reports) : IProgress<long>
    {
        public void Report(long value) => reports.Add(value);
    }
}
