using Ppml.Crypto.Keys;
using Ppml.Testing;

namespace Ppml.Crypto.Tests.Keys;

public class PasswordEncryptionTests
{
    [Fact]
    public async Task EncryptToDirectory_OpenSslPkeyutl_PrintsPassword()
    {
        using var temp = new TempDirectory();
        await PasswordEncryption.EncryptToDirectoryAsync("correct horse battery", temp.Path, overwrite: false, TestContext.Current.CancellationToken);

        ProcessRunner.Result result = await ProcessRunner.OpenSslAsync(
            "pkeyutl", "-decrypt", "-inkey", temp.Combine("key.txt"), "-in", temp.Combine("output.bin"),
            "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("correct horse battery", result.Output);
    }

    [Fact]
    public async Task DecryptFromDirectory_FilesMadeByOpenSsl_ReturnsPassword()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.Combine("pw"), "from-openssl", TestContext.Current.CancellationToken);
        Assert.Equal(0, (await ProcessRunner.OpenSslAsync("genrsa", "-out", temp.Combine("key.txt"), "3072")).ExitCode);
        ProcessRunner.Result encrypt = await ProcessRunner.OpenSslAsync(
            "pkeyutl", "-encrypt", "-inkey", temp.Combine("key.txt"), "-in", temp.Combine("pw"), "-out", temp.Combine("output.bin"),
            "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");
        Assert.True(encrypt.ExitCode == 0, encrypt.Error);

        Assert.Equal("from-openssl", await PasswordEncryption.DecryptFromDirectoryAsync(temp.Path, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DecryptFromDirectory_CiphertextFromAnotherKey_ThrowsNamingFiles()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        await PasswordEncryption.EncryptToDirectoryAsync("one", first.Path, overwrite: false, TestContext.Current.CancellationToken);
        await PasswordEncryption.EncryptToDirectoryAsync("two", second.Path, overwrite: false, TestContext.Current.CancellationToken);
        File.Copy(second.Combine("output.bin"), first.Combine("output.bin"), overwrite: true);

        InvalidDataException error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            PasswordEncryption.DecryptFromDirectoryAsync(first.Path, TestContext.Current.CancellationToken));
        Assert.Contains("output.bin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecryptFromDirectory_MissingFiles_ThrowsNamingFile()
    {
        using var temp = new TempDirectory();
        InvalidDataException error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            PasswordEncryption.DecryptFromDirectoryAsync(temp.Path, TestContext.Current.CancellationToken));
        Assert.Contains("key.txt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordFile_TrailingNewlineAndEmpty_HandledClearly()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.Combine("a"), "pw\r\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(temp.Combine("b"), "\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(temp.Combine("a"), Ppml.Core.IO.SecretFiles.FileMode); // secrets are owner-only (issue 11, item 17)
        File.SetUnixFileMode(temp.Combine("b"), Ppml.Core.IO.SecretFiles.FileMode);

        Assert.Equal("pw", await PasswordFile.ReadAsync(temp.Combine("a"), cancellationToken: TestContext.Current.CancellationToken));
        InvalidDataException empty = await Assert.ThrowsAsync<InvalidDataException>(() =>
            PasswordFile.ReadAsync(temp.Combine("b"), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("is empty", empty.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<FileNotFoundException>(() =>
            PasswordFile.ReadAsync(temp.Combine("missing"), cancellationToken: TestContext.Current.CancellationToken));
    }
}
