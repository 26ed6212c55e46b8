using Ppml.Crypto.Keys;

namespace Ppml.Cli.Handlers;

/// <summary><c>ppml keys enclave|tls</c>.</summary>
internal sealed class KeysHandler
{
    private readonly CliContext _context;

    public KeysHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> EnclaveAsync(string output, bool force, CancellationToken cancellationToken)
    {
        string path = _context.ResolvePath(output);
        if (File.Exists(path) && !force)
        {
            throw CliException.Failure($"'{path}' already exists; pass --force to replace it.");
        }

        using var rsa = RsaKeyGenerator.Generate(3072, 3);
        await Core.IO.AtomicFile.WriteAllBytesAsync(
            path, System.Text.Encoding.ASCII.GetBytes(rsa.ExportRSAPrivateKeyPem() + "\n"), overwrite: force, Core.IO.AtomicFile.OwnerOnly, cancellationToken);
        await _context.Output.WriteLineAsync($"Wrote RSA-3072 enclave signing key (public exponent 3) to {path}");
        return ExitCodes.Success;
    }

    public async Task<int> TlsAsync(string output, string? passwordFile, IReadOnlyList<string> sans, bool force, CancellationToken cancellationToken)
    {
        string directory = _context.ResolvePath(output);
        string password;
        if (passwordFile is null)
        {
            throw CliException.Usage("--password-file is required: it protects keystore.pkcs12 (secrets are never taken on the command line).");
        }

        password = await PasswordFile.ReadAsync(_context.ResolvePath(passwordFile), _context.Input, cancellationToken);
        await TlsMaterialGenerator.WriteAsync(directory, password, sans, _context.TimeProvider, force, cancellationToken);
        await _context.Output.WriteLineAsync($"Wrote {string.Join(", ", TlsMaterialGenerator.FileNames)} to {directory}");
        return ExitCodes.Success;
    }
}
