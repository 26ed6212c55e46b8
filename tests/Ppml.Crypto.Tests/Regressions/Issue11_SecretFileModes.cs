using System.Runtime.InteropServices;
using Ppml.Core.IO;
using Ppml.Crypto.Keys;
using Ppml.Testing;

namespace Ppml.Crypto.Tests.Regressions;

/// <summary>
/// Issue 11, item 17: only seal.secret had its mode checked; under <c>umask 000</c> <c>keys tls</c> wrote <c>ca.crt</c>
/// 0666 in a 0777 directory, and a 0644 secret was read. One rule now (<see cref="SecretFiles"/>): created 0600/0700
/// whatever the umask, refused when group or others can write it (or read it, for a secret), naming the fix.
/// The umask is process-wide, so this class runs alone.
/// </summary>
[Collection(nameof(Issue11_SecretFileModes))]
[CollectionDefinition(nameof(Issue11_SecretFileModes), DisableParallelization = true)]
public sealed class Issue11_SecretFileModes
{
    [Fact]
    public async Task TlsMaterial_UnderUmask000_IsOwnerOnly()
    {
        using var temp = new TempDirectory();
        string directory = temp.Combine("ws", "tls");

        uint previous = SetUmask(0);
        try
        {
            await TlsMaterialGenerator.WriteAsync(directory, "keystore-password", [], TimeProvider.System, overwrite: false, TestContext.Current.CancellationToken);
        }
        finally
        {
            SetUmask(previous);
        }

        Assert.Equal(SecretFiles.DirectoryMode, File.GetUnixFileMode(directory));
        Assert.Equal(SecretFiles.DirectoryMode, File.GetUnixFileMode(temp.Combine("ws")));
        string[] files = Directory.GetFiles(directory);
        Assert.Contains(Path.Combine(directory, "ca.crt"), files);
        Assert.All(files, file => Assert.True(File.GetUnixFileMode(file) == SecretFiles.FileMode, $"{file}: {File.GetUnixFileMode(file)}"));
    }

    [Fact]
    public async Task PasswordEncryption_UnderUmask000_IsOwnerOnly()
    {
        using var temp = new TempDirectory();
        string directory = temp.Combine("password");

        uint previous = SetUmask(0);
        try
        {
            await PasswordEncryption.EncryptToDirectoryAsync("pw", directory, overwrite: false, TestContext.Current.CancellationToken);
        }
        finally
        {
            SetUmask(previous);
        }

        Assert.Equal(SecretFiles.DirectoryMode, File.GetUnixFileMode(directory));
        Assert.All(Directory.GetFiles(directory), file => Assert.Equal(SecretFiles.FileMode, File.GetUnixFileMode(file)));
        Assert.Equal("pw", await PasswordEncryption.DecryptFromDirectoryAsync(directory, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(0b110_100_100)] // 0644: others read the secret
    [InlineData(0b110_110_000)] // 0660
    [InlineData(0b110_000_010)] // 0602
    public async Task PasswordFile_ReadableOrWritableByOthers_IsRefusedWithTheFix(int mode)
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("operator.secret");
        await File.WriteAllTextAsync(path, "a-long-enough-secret\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(path, (UnixFileMode)mode);

        InsecureFileException exception = await Assert.ThrowsAsync<InsecureFileException>(
            () => PasswordFile.ReadAsync(path, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains($"'{path}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 {path}", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', exception.Message);
        File.SetUnixFileMode(path, SecretFiles.FileMode);
        Assert.Equal("a-long-enough-secret", await PasswordFile.ReadAsync(path, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SecretFiles_TrustAnchor_MayBeReadByOthersButNotWritten()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("ca.crt");
        await File.WriteAllTextAsync(path, "anchor", TestContext.Current.CancellationToken);

        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100); // 0644
        Assert.Equal("anchor"u8.ToArray(), await SecretFiles.ReadAllBytesAsync(path, SecretFileKind.TrustAnchor, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InsecureFileException>(() => SecretFiles.ReadAllBytesAsync(path, SecretFileKind.Secret, TestContext.Current.CancellationToken));

        File.SetUnixFileMode(path, (UnixFileMode)0b110_110_110); // 0666
        InsecureFileException exception = await Assert.ThrowsAsync<InsecureFileException>(
            () => SecretFiles.ReadAllBytesAsync(path, SecretFileKind.TrustAnchor, TestContext.Current.CancellationToken));
        Assert.Contains("mode 0666", exception.Message, StringComparison.Ordinal);
        Assert.Contains("trust anchor", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordFile_ApiKeyLabel_NamesAnApiKeyFile()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("missing.apikey");

        FileNotFoundException missing = await Assert.ThrowsAsync<FileNotFoundException>(
            () => PasswordFile.ReadAsync(path, null, PasswordFile.ApiKeyLabel, TestContext.Current.CancellationToken));
        await File.WriteAllTextAsync(path, string.Empty, TestContext.Current.CancellationToken);
        File.SetUnixFileMode(path, SecretFiles.FileMode);
        InvalidDataException empty = await Assert.ThrowsAsync<InvalidDataException>(
            () => PasswordFile.ReadAsync(path, null, PasswordFile.ApiKeyLabel, TestContext.Current.CancellationToken));

        Assert.StartsWith("API key file '", missing.Message, StringComparison.Ordinal);
        Assert.StartsWith("API key file '", empty.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", missing.Message, StringComparison.Ordinal);
    }

    private static uint SetUmask(uint mask) => NativeMethods.Umask(mask);

    // DllImport, not LibraryImport: umask takes and returns a plain integer, and the test project needs no unsafe code.
    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "umask")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern uint Umask(uint mask);
    }
}
