using Ppml.Crypto.Keys;

namespace Ppml.Cli.Handlers;

/// <summary><c>ppml password encrypt|decrypt</c>.</summary>
internal sealed class PasswordHandler
{
    private readonly CliContext _context;

    public PasswordHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> EncryptAsync(string passwordFile, string output, bool force, CancellationToken cancellationToken)
    {
        string password = await PasswordFile.ReadAsync(_context.ResolvePath(passwordFile), _context.Input, cancellationToken);
        string directory = _context.ResolvePath(output);
        await PasswordEncryption.EncryptToDirectoryAsync(password, directory, force, cancellationToken);
        await _context.Error.WriteLineAsync(
            $"Wrote {Path.Combine(directory, PasswordEncryption.KeyFileName)} and {Path.Combine(directory, PasswordEncryption.CipherFileName)}");
        return ExitCodes.Success;
    }

    public async Task<int> DecryptAsync(string directory, CancellationToken cancellationToken)
    {
        string password = await PasswordEncryption.DecryptFromDirectoryAsync(_context.ResolvePath(directory), cancellationToken);
        await _context.Output.WriteLineAsync(password);
        return ExitCodes.Success;
    }
}
