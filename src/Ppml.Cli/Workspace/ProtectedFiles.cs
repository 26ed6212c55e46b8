using Ppml.Crypto.Container;
using Ppml.Core.IO;
using Ppml.Kms;
using Ppml.Cli.Handlers;
using Ppml.Kms.Envelope;

namespace Ppml.Cli.Workspace;

/// <summary>
/// Opens inputs that may be PPML containers (decrypted in memory through the KMS, which is opened only when a
/// container is met) and writes outputs as containers, atomically. Plaintext never reaches the disk.
/// </summary>
internal sealed class ProtectedFiles : IDisposable
{
    private readonly CliContext _context;
    private readonly KmsTarget _target;
    private IKeyManagementService? _kms;

    public ProtectedFiles(CliContext context, KmsTarget target)
    {
        _context = context;
        _target = target;
    }

    /// <summary>Whether <paramref name="path"/> starts with the container magic.</summary>
    public static bool IsContainer(string path)
    {
        Span<byte> prefix = stackalloc byte[16];
        using FileStream file = File.OpenRead(path);
        int read = file.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        return PpmlContainer.LooksLikeContainer(prefix[..read]);
    }

    /// <summary>Opens <paramref name="path"/> for reading: decrypting when it is a container, as is otherwise.</summary>
    public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw CliException.Usage($"Input '{path}' does not exist.");
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        if (!IsContainer(path))
        {
            return file;
        }

        try
        {
            IKeyManagementService kms = await GetKmsAsync(cancellationToken);
            return await EnvelopeEncryption.OpenReadAsync(kms, file, leaveOpen: false, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not CliException)
        {
            await file.DisposeAsync();
            (int code, string message) = CommandRunner.Describe(exception);
            throw new CliException(code, message.Contains(path, StringComparison.Ordinal) ? message : $"'{path}': {message}", exception);
        }
    }

    /// <summary>Writes <paramref name="path"/> as a container under <paramref name="keyName"/>, atomically.</summary>
    public async Task WriteEncryptedAsync(string path, string keyName, bool overwrite, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        IKeyManagementService kms = await GetKmsAsync(cancellationToken);
        await AtomicFile.WriteAsync(
            path,
            async (file, token) =>
            {
                ContainerWriteStream container = await EnvelopeEncryption.CreateWriteAsync(kms, keyName, file, leaveOpen: true, cancellationToken: token);
                await using (container)
                {
                    await write(container, token);
                    await container.CompleteAsync(token);
                }
            },
            overwrite,
            AtomicFile.OwnerOnly,
            cancellationToken);
    }

    public async Task<string> DefaultKeyAsync(CancellationToken cancellationToken)
    {
        string root = PpmlWorkspace.ResolveRoot(_context, _target.Home);
        if (!PpmlWorkspace.Exists(root))
        {
            return InitHandler.DefaultKeyName;
        }

        return (await PpmlWorkspace.OpenAsync(root, cancellationToken)).Config.DefaultKey;
    }

    public void Dispose() => _kms?.Dispose();

    private async Task<IKeyManagementService> GetKmsAsync(CancellationToken cancellationToken) =>
        _kms ??= await _target.OpenAsync(_context, cancellationToken);
}
