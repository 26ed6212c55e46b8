using Ppml.Kms;
using Ppml.Kms.File;
using Ppml.Testing;

namespace Ppml.Data.Tpch.Tests;

/// <summary>One file KMS per test class (PBKDF2 makes creating a store take ~0.3 s) with key "primary".</summary>
public sealed class KmsFixture : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();

    public IKeyManagementService Kms { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        FileKeyManagementService kms = await FileKeyManagementService.CreateAsync(_temp.Combine("kms"), "test-password");
        await kms.CreateKeyAsync("primary");
        await kms.CreateKeyAsync("other");
        Kms = kms;
    }

    public ValueTask DisposeAsync()
    {
        Kms.Dispose();
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }
}
