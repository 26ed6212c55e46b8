using Ppml.Crypto.Keys;

namespace Ppml.Cli.Keys;

/// <summary><c>ppml keys enclave|tls</c> and <c>ppml password encrypt|decrypt</c>: one <c>Ppml.Crypto.Keys</c> call each.</summary>
internal sealed class KeysHandler(CliContext context)
{
    public async Task<int> EnclaveAsync(string output, bool force, CancellationToken cancellationToken)
    {
        string path = context.ResolvePath(output);
        if (File.Exists(path) && !force)
        {
            throw CliException.Failure($"'{path}' already exists; pass --force to replace it.");
        }

        await RsaKeyGenerator.WriteEnclaveKeyAsync(path, force, cancellationToken);
        await context.Output.WriteLineAsync($"Wrote RSA-3072 enclave signing key (public exponent 3) to {path}");
        return ExitCodes.Success;
    }

    public async Task<int> TlsAsync(string output, string passwordFile, IReadOnlyList<string> sans, bool force, CancellationToken cancellationToken)
    {
        string directory = context.ResolvePath(output);
        string password = await PasswordFile.ReadAsync(context.ResolvePath(passwordFile), context.Input, cancellationToken);
        await TlsMaterialGenerator.WriteAsync(directory, password, sans, context.TimeProvider, force, cancellationToken);
        await context.Output.WriteLineAsync($"Wrote {string.Join(", ", TlsMaterialGenerator.FileNames)} to {directory}");
        return ExitCodes.Success;
    }

    public async Task<int> EncryptPasswordAsync(string passwordFile, string output, bool force, CancellationToken cancellationToken)
    {
        string password = await PasswordFile.ReadAsync(context.ResolvePath(passwordFile), context.Input, cancellationToken);
        string directory = context.ResolvePath(output);
        await PasswordEncryption.EncryptToDirectoryAsync(password, directory, force, cancellationToken);
        await context.Error.WriteLineAsync($"Wrote {Path.Combine(directory, PasswordEncryption.KeyFileName)} and {Path.Combine(directory, PasswordEncryption.CipherFileName)}");
        return ExitCodes.Success;
    }

    public async Task<int> DecryptPasswordAsync(string directory, CancellationToken cancellationToken)
    {
        await context.Output.WriteLineAsync(await PasswordEncryption.DecryptFromDirectoryAsync(context.ResolvePath(directory), cancellationToken));
        return ExitCodes.Success;
    }
}
