using Ppml.Kms;
using Ppml.Kms.File;
using Ppml.Testing;
using Ppml.Workloads.Keys;
using Ppml.Workloads.Workspace;

namespace Ppml.Workloads.Tests.Keys;

public sealed class KmsAdministrationTests : IDisposable
{
    // Nothing listens on port 1: a test that reaches the server fails, so these prove the refusals come first.
    private const string UnreachableServer = "https://127.0.0.1:1";
    private readonly TempDirectory _temp = new();
    private readonly WorkloadHost _host;

    public KmsAdministrationTests()
    {
        _host = new WorkloadHost { WorkingDirectory = _temp.Path, GetEnvironmentVariable = _ => null };
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateRotateList_FileKms_ReturnWhatTheStoreHolds()
    {
        KmsTarget target = await FileKmsAsync();

        PrimaryKeyInfo created = await KmsAdministration.CreateKeyAsync(_host, target, "datasets", cancellationToken: Token);
        PrimaryKeyInfo rotated = await KmsAdministration.RotateKeyAsync(_host, target, "datasets", Token);
        IReadOnlyList<PrimaryKeyInfo> keys = await KmsAdministration.ListKeysAsync(_host, target, Token);

        Assert.Equal(("datasets", 1), (created.Name, created.CurrentVersion));
        Assert.Equal(2, rotated.CurrentVersion);
        Assert.Equal(2, Assert.Single(keys).CurrentVersion);
    }

    [Fact]
    public async Task CreateKey_ReleasePolicyOrAllowedAppsOnFileKms_InvalidInputAndNoKey()
    {
        KmsTarget target = await FileKmsAsync();
        File.WriteAllText(_temp.Combine("release.json"), "{}");

        WorkloadException policy = await Assert.ThrowsAsync<WorkloadException>(() => KmsAdministration.CreateKeyAsync(_host, target, "k", "release.json", null, Token));
        WorkloadException apps = await Assert.ThrowsAsync<WorkloadException>(() => KmsAdministration.CreateKeyAsync(_host, target, "k", null, ["analytics"], Token));

        Assert.True(policy.IsInvalidInput);
        Assert.Contains("need a KMS server", policy.Message, StringComparison.Ordinal);
        Assert.True(apps.IsInvalidInput);
        Assert.Empty(await KmsAdministration.ListKeysAsync(_host, target, Token));
    }

    [Fact]
    public async Task CreateKey_MalformedOrNullReleasePolicy_NamesTheFileBeforeTheServerIsAsked()
    {
        KmsTarget target = ServerTarget();
        File.WriteAllText(_temp.Combine("broken.json"), "{\"policyId\": ");
        File.WriteAllText(_temp.Combine("null.json"), "null");

        WorkloadException broken = await Assert.ThrowsAsync<WorkloadException>(() => KmsAdministration.CreateKeyAsync(_host, target, "k", "broken.json", null, Token));
        WorkloadException empty = await Assert.ThrowsAsync<WorkloadException>(() => KmsAdministration.CreateKeyAsync(_host, target, "k", "null.json", null, Token));

        Assert.True(broken.IsInvalidInput);
        Assert.StartsWith($"Release policy '{_temp.Combine("broken.json")}' is not valid JSON", broken.Message, StringComparison.Ordinal);
        Assert.Equal($"Release policy '{_temp.Combine("null.json")}' is JSON null.", empty.Message);
    }

    [Fact]
    public async Task CreateApplication_ExistingKeyFile_RefusedBeforeTheServerIsAsked_FileUnchanged()
    {
        File.WriteAllText(_temp.Combine("app.apikey"), "keep me");

        WorkloadException refused = await Assert.ThrowsAsync<WorkloadException>(() => KmsAdministration.CreateApplicationAsync(_host, ServerTarget(), "app", "app", "app.apikey", Token));

        Assert.False(refused.IsInvalidInput);
        Assert.Contains("never overwritten", refused.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(_temp.Combine("app.apikey")));
    }

    [Fact]
    public async Task SetPolicy_MalformedJson_InvalidInput_AndServerOnlyOperationsOnFileKms_Refused()
    {
        File.WriteAllText(_temp.Combine("policy.json"), "{not json");
        File.WriteAllText(_temp.Combine("good.json"), "{}");
        KmsTarget file = await FileKmsAsync();

        WorkloadException malformed = await Assert.ThrowsAsync<WorkloadException>(() => KmsAdministration.SetPolicyAsync(_host, ServerTarget(), "p", "policy.json", null, Token));
        WorkloadException setOnFile = await Assert.ThrowsAsync<WorkloadException>(() => KmsAdministration.SetPolicyAsync(_host, file, "p", "good.json", null, Token));
        WorkloadException listOnFile = await Assert.ThrowsAsync<WorkloadException>(() => KmsAdministration.ListApplicationsAsync(_host, file, Token));

        Assert.True(malformed.IsInvalidInput);
        Assert.Contains("is not valid JSON", malformed.Message, StringComparison.Ordinal);
        Assert.Contains("talks to a KMS server", setOnFile.Message, StringComparison.Ordinal);
        Assert.Contains("talks to a KMS server", listOnFile.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Dispose();

    private KmsTarget ServerTarget()
    {
        File.WriteAllText(_temp.Combine("admin.apikey"), "not-a-real-key");
        return new KmsTarget(Home: _temp.Path, KmsUri: UnreachableServer, ApiKeyFile: "admin.apikey");
    }

    private async Task<KmsTarget> FileKmsAsync()
    {
        using (await FileKeyManagementService.CreateAsync(_temp.Combine("kms"), "store password", TimeProvider.System, Token))
        {
        }

        File.WriteAllText(_temp.Combine("kms.password"), "store password");
        File.SetUnixFileMode(_temp.Combine("kms.password"), Ppml.Core.IO.SecretFiles.FileMode); // a secret: owner-only (issue 11, item 17)
        return new KmsTarget(Home: _temp.Path, KmsUri: "file:kms", PasswordFile: "kms.password");
    }
}
