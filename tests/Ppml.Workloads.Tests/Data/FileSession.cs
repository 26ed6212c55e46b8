using Ppml.Kms.File;
using Ppml.Testing;

namespace Ppml.Workloads.Tests.Data;

/// <summary>A temporary directory with a file KMS holding key "primary", and unattested sessions over it.</summary>
public sealed class FileSession : IAsyncLifetime
{
    private const string Password = "test-password";

    public TempDirectory Temp { get; } = new();

    public async ValueTask InitializeAsync()
    {
        using FileKeyManagementService kms = await FileKeyManagementService.CreateAsync(Temp.Combine("kms"), Password);
        await kms.CreateKeyAsync("primary");
    }

    public Task<PpmlSession> OpenAsync(CancellationToken cancellationToken) =>
        PpmlSession.OpenAsync(new PpmlSessionOptions { KmsUri = "file:" + Temp.Combine("kms"), KmsPassword = Password }, cancellationToken);

    public ValueTask DisposeAsync()
    {
        Temp.Dispose();
        return ValueTask.CompletedTask;
    }
}
