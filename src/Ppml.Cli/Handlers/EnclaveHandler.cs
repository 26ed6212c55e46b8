using System.Security.Cryptography;
using Ppml.Cli.Workspace;
using Ppml.Core.IO;
using Ppml.Tee;
using Ppml.Tee.Measurement;

namespace Ppml.Cli.Handlers;

/// <summary><c>ppml enclave sign|verify</c>: measure trusted files and sign the measurement (simulation-mode SIGSTRUCT).</summary>
internal sealed class EnclaveHandler
{
    private readonly CliContext _context;

    public EnclaveHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> SignAsync(string? manifestPath, string? keyPath, string output, string? home, bool force, CancellationToken cancellationToken)
    {
        EnclaveManifest manifest = manifestPath is null
            ? EnclaveManifest.ForApplication(AppContext.BaseDirectory)
            : await EnclaveManifest.LoadAsync(_context.ResolvePath(manifestPath), cancellationToken);
        string key = keyPath is null
            ? Path.Combine(PpmlWorkspace.ResolveRoot(_context, home), PpmlWorkspace.EnclaveKeyFileName)
            : _context.ResolvePath(keyPath);
        if (!File.Exists(key))
        {
            throw CliException.Usage($"Signing key '{key}' does not exist; create one with 'ppml keys enclave' or 'ppml init'.");
        }

        using RSA rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(await File.ReadAllTextAsync(key, cancellationToken));
        }
        catch (ArgumentException exception)
        {
            throw CliException.Usage($"'{key}' is not a PEM RSA private key ({exception.Message}).");
        }

        SignedEnclave signed = await EnclaveSigner.SignAsync(manifest, rsa, cancellationToken);
        string outputPath = _context.ResolvePath(output);
        await AtomicFile.WriteAllBytesAsync(outputPath, EnclaveSigner.Serialize(signed), overwrite: force, cancellationToken: cancellationToken);
        await _context.Output.WriteLineAsync($"mrenclave {signed.MrEnclave}");
        await _context.Output.WriteLineAsync($"mrsigner  {signed.MrSigner}");
        await _context.Output.WriteLineAsync($"isvprodid {signed.IsvProdId}  isvsvn {signed.IsvSvn}  debug {signed.Debug.ToString().ToLowerInvariant()}  files {signed.Files.Count}");
        await _context.Error.WriteLineAsync($"Wrote {outputPath}");
        return ExitCodes.Success;
    }

    public async Task<int> VerifyAsync(string signaturePath, string? baseDirectory, CancellationToken cancellationToken)
    {
        SignedEnclave signed = await EnclaveSigner.LoadAsync(_context.ResolvePath(signaturePath), cancellationToken);
        try
        {
            EnclaveIdentity identity = await EnclaveSigner.VerifyAsync(signed, baseDirectory is null ? null : _context.ResolvePath(baseDirectory), cancellationToken);
            await _context.Output.WriteLineAsync($"OK mrenclave {identity.MrEnclaveHex} mrsigner {identity.MrSignerHex}");
            return ExitCodes.Success;
        }
        catch (TeeException exception)
        {
            throw CliException.Failure(exception.Message);
        }
    }
}
