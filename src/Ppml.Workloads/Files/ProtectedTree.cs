using Ppml.Core;
using Ppml.Core.IO;
using Ppml.Crypto.Container;
using Ppml.Data.Tables;
using Ppml.Kms;
using Ppml.Kms.Envelope;

namespace Ppml.Workloads.Files;

/// <summary>
/// <c>ppml encrypt</c> and <c>ppml decrypt</c> as a library call: one file, or a directory tree mirrored file by file
/// (<c>.ppml</c> appended on encrypt, stripped on decrypt), one data key per file; a dataset's schema file
/// (<c>_ppml_schema.json</c>, no data) is copied as it is. A tree is written into a staging
/// directory and moved into place only when every file succeeded, so a failure leaves no partial output.
/// </summary>
public static class ProtectedTree
{
    /// <summary>How many decrypted files of a tree stay unnamed (one open descriptor each) until the whole tree has authenticated.</summary>
    private const int HeldPlaintextFiles = 512;

    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Checks the input and output and lists the files, before any key service is opened.</summary>
    /// <param name="input">The input file or directory (full path).</param>
    /// <param name="output">The output file or directory (full path).</param>
    /// <param name="encrypt">Whether to encrypt (else decrypt).</param>
    /// <param name="overwrite">Whether an existing output may be replaced.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="WorkloadException">The input is missing or not a tree written by encrypt, the output is inside the input, or the output exists without <paramref name="overwrite"/>.</exception>
    public static ProtectedTreePlan Plan(string input, string output, bool encrypt, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (OutputTarget.IsStandardStream(input))
        {
            throw new WorkloadException(
                "--in - (standard input) is not supported: decrypt reads its input twice (authenticate, then release) and encrypt reads files; write the input to a file first.",
                isInvalidInput: true);
        }

        bool toStandardOutput = OutputTarget.IsStandardStream(output);

        // 'out/' names a directory (issue 11): it is kept apart from 'out' only to put a single file inside it.
        bool namesDirectory = !toStandardOutput && Path.EndsInDirectorySeparator(output) && Path.GetPathRoot(output) != output;
        input = Path.TrimEndingDirectorySeparator(input);
        output = toStandardOutput ? output : Path.TrimEndingDirectorySeparator(output);
        bool isDirectory = Directory.Exists(input);
        if (!isDirectory && !File.Exists(input))
        {
            throw new WorkloadException($"Input '{input}' does not exist.", isInvalidInput: true);
        }

        if (toStandardOutput && isDirectory)
        {
            throw new WorkloadException($"--out - writes one file to standard output, but '{input}' is a directory; give an output directory.", isInvalidInput: true);
        }

        if (!toStandardOutput && IsSameOrInside(output, input))
        {
            throw new WorkloadException($"Output '{output}' must not be the input or inside it.", isInvalidInput: true);
        }

        var sources = new List<string>();
        var targets = new List<string>();
        if (isDirectory)
        {
            foreach (string path in Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                string relative = Path.GetRelativePath(input, path);
                if (IsPassThrough(path))
                {
                    // A dataset's schema file describes the tree, not data: it is carried over as it is (issue 11).
                    sources.Add(path);
                    targets.Add(relative);
                    continue;
                }

                if (!encrypt && !relative.EndsWith(PpmlFileNames.ContainerExtension, StringComparison.Ordinal))
                {
                    throw new WorkloadException(
                        $"'{path}' is not a '{PpmlFileNames.ContainerExtension}' file; decrypt expects a tree written by 'ppml encrypt'.", isInvalidInput: true);
                }

                sources.Add(path);
                targets.Add(MapName(relative, encrypt));
            }
        }
        else
        {
            sources.Add(input);
            targets.Add(MapName(Path.GetFileName(input), encrypt));
            if (!toStandardOutput && (namesDirectory || Directory.Exists(output)))
            {
                output = Path.Combine(output, targets[0]);
            }
        }

        if (toStandardOutput)
        {
            return new ProtectedTreePlan(input, output, encrypt, isDirectory, overwrite, sources, targets, new FileInfo(input).Length);
        }

        OutputTarget target = Inspect(output);
        if (isDirectory && target.Kind == OutputKind.Stream)
        {
            throw new WorkloadException($"Output '{output}' is a FIFO or a device, but '{input}' is a directory; give an output directory.", isInvalidInput: true);
        }

        if (!overwrite)
        {
            // A FIFO or a device (/dev/null, a terminal) is written through and replaces nothing: it needs no --force.
            string? existing = isDirectory
                ? (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() ? output : null)
                : (target.Kind == OutputKind.File ? output : null);
            if (existing is not null)
            {
                throw new WorkloadException($"Output '{existing}' already exists; pass --force to replace it.");
            }
        }

        return new ProtectedTreePlan(input, output, encrypt, isDirectory, overwrite, sources, targets, sources.Sum(f => new FileInfo(f).Length));
    }

    /// <summary>Encrypts or decrypts what <paramref name="plan"/> lists.</summary>
    /// <param name="plan">From <see cref="Plan"/>.</param>
    /// <param name="kms">The key service: the owner's on encrypt, the session's on decrypt.</param>
    /// <param name="keyName">The key each file's data key is wrapped under (encrypt only).</param>
    /// <param name="containerOptions">Container settings (encrypt only); <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives byte increments across all files; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the work (a tree leaves no partial output).</param>
    /// <returns>A task that completes when the output is in place.</returns>
    /// <exception cref="ProtectedFileException">A file failed (tampered, wrong key, I/O).</exception>
    public static async Task ExecuteAsync(
        ProtectedTreePlan plan,
        IKeyManagementService kms,
        string keyName,
        ContainerOptions? containerOptions,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(kms);
        if (OutputTarget.IsStandardStream(plan.Output))
        {
            Stream destination = plan.StandardOutput
                ?? throw new ArgumentException("The plan writes to standard output ('-'); set its StandardOutput.", nameof(plan));
            await ProcessToStreamAsync(kms, keyName, plan.Sources[0], destination, plan.Encrypt, containerOptions, progress, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!plan.IsDirectory)
        {
            await ProcessFileAsync(kms, keyName, plan.Sources[0], plan.Output, plan.Encrypt, containerOptions, plan.Overwrite, progress, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Plaintext is staged owner-only, and each decrypted file stays unnamed (a pending O_TMPFILE on Linux) until
        // every file has authenticated: a run killed before the end leaves only empty owner-only directories, which
        // the next run for the same output removes. A tree of more than HeldPlaintextFiles files names the files past
        // that count as they finish (owner-only), so that the open descriptors stay bounded.
        using StagingDirectory staging = StagingDirectory.Create(plan.Output, plan.Encrypt ? null : OwnerOnlyDirectory);
        var held = new List<PendingFile>();
        try
        {
            for (int i = 0; i < plan.Sources.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string target = Path.Combine(staging.Path, plan.Targets[i]);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                if (IsPassThrough(plan.Sources[i]))
                {
                    File.Copy(plan.Sources[i], target);
                    continue;
                }

                if (plan.Encrypt || held.Count >= HeldPlaintextFiles)
                {
                    await ProcessFileAsync(kms, keyName, plan.Sources[i], target, plan.Encrypt, containerOptions, overwrite: false, progress, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                PendingFile pending = AtomicFile.Create(target, overwrite: false, AtomicFile.OwnerOnly);
                held.Add(pending);
                await DecryptIntoAsync(kms, plan.Sources[i], pending, progress, cancellationToken).ConfigureAwait(false);
            }

            foreach (PendingFile pending in held)
            {
                await pending.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (PendingFile pending in held)
            {
                await pending.DisposeAsync().ConfigureAwait(false);
            }
        }

        // A new output appears whole; an existing one (empty, or allowed by overwrite) keeps its other entries and
        // gets the new files moved over it file by file.
        if (Directory.Exists(plan.Output))
        {
            staging.CommitByMerging();
        }
        else
        {
            staging.Commit(replace: false);
        }
    }

    /// <summary>Encrypts a file or tree under <paramref name="keyName"/> (<see cref="Plan"/>, then <see cref="ExecuteAsync"/>).</summary>
    /// <param name="kms">The data owner's key service.</param>
    /// <param name="keyName">The key each data key is wrapped under.</param>
    /// <param name="input">The input file or directory (full path).</param>
    /// <param name="output">The output file or directory (full path).</param>
    /// <param name="overwrite">Whether an existing output may be replaced.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>What was encrypted.</returns>
    public static async Task<ProtectedTreePlan> EncryptAsync(
        IKeyManagementService kms, string keyName, string input, string output, bool overwrite, CancellationToken cancellationToken)
    {
        ProtectedTreePlan plan = Plan(input, output, encrypt: true, overwrite);
        await ExecuteAsync(plan, kms, keyName, containerOptions: null, progress: null, cancellationToken).ConfigureAwait(false);
        return plan;
    }

    /// <summary>Decrypts a file or a tree written by <see cref="EncryptAsync"/> (<see cref="Plan"/>, then <see cref="ExecuteAsync"/>).</summary>
    /// <param name="kms">The key service the data keys are unwrapped with (a session's, for a workload).</param>
    /// <param name="input">The input file or directory (full path).</param>
    /// <param name="output">The output file or directory (full path).</param>
    /// <param name="overwrite">Whether an existing output may be replaced.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>What was decrypted.</returns>
    public static async Task<ProtectedTreePlan> DecryptAsync(
        IKeyManagementService kms, string input, string output, bool overwrite, CancellationToken cancellationToken)
    {
        ProtectedTreePlan plan = Plan(input, output, encrypt: false, overwrite);
        await ExecuteAsync(plan, kms, string.Empty, containerOptions: null, progress: null, cancellationToken).ConfigureAwait(false);
        return plan;
    }

    private static async Task ProcessFileAsync(
        IKeyManagementService kms,
        string keyName,
        string source,
        string target,
        bool encrypt,
        ContainerOptions? containerOptions,
        bool overwrite,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        // The container reports running totals per file; the shared progress adds deltas across files.
        IProgress<long>? delta = progress is null ? null : new DeltaProgress(progress);
        try
        {
            if (encrypt)
            {
                await EnvelopeEncryption.EncryptFileAsync(kms, keyName, source, target, containerOptions, overwrite, delta, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await EnvelopeEncryption.DecryptFileAsync(kms, source, target, overwrite, delta, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new ProtectedFileException(source, exception);
        }
    }

    private static async Task DecryptIntoAsync(
        IKeyManagementService kms, string source, PendingFile output, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        try
        {
            await EnvelopeEncryption.DecryptFileIntoAsync(kms, source, output, progress is null ? null : new DeltaProgress(progress), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new ProtectedFileException(source, exception);
        }
    }

    private static async Task ProcessToStreamAsync(
        IKeyManagementService kms,
        string keyName,
        string source,
        Stream destination,
        bool encrypt,
        ContainerOptions? containerOptions,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        DeltaProgress? delta = progress is null ? null : new DeltaProgress(progress);
        try
        {
            if (!encrypt)
            {
                await EnvelopeEncryption.DecryptFileToStreamAsync(kms, source, destination, delta, cancellationToken).ConfigureAwait(false);
                return;
            }

            var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (input.ConfigureAwait(false))
            {
                ContainerWriteStream container = await EnvelopeEncryption.CreateWriteAsync(kms, keyName, destination, containerOptions, leaveOpen: true, cancellationToken).ConfigureAwait(false);
                await using (container.ConfigureAwait(false))
                {
                    await input.CopyToAsync(container, cancellationToken).ConfigureAwait(false);
                    await container.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }

                delta?.Report(input.Length);
                await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new ProtectedFileException(source, exception);
        }
    }

    private static OutputTarget Inspect(string output)
    {
        try
        {
            return OutputTarget.Inspect(output);
        }
        catch (InvalidOutputException refused)
        {
            throw new WorkloadException(refused.Message, isInvalidInput: true);
        }
    }

    /// <summary>Whether a file of a tree is copied rather than encrypted or decrypted: a <see cref="TableSchemaFile"/> (metadata, no data).</summary>
    private static bool IsPassThrough(string path) => Path.GetFileName(path) == TableSchemaFile.FileName;

    private static string MapName(string relative, bool encrypt)
    {
        string extension = PpmlFileNames.ContainerExtension;
        if (encrypt)
        {
            return relative + extension;
        }

        return relative.EndsWith(extension, StringComparison.Ordinal) && relative.Length > extension.Length
            ? relative[..^extension.Length]
            : relative + ".decrypted";
    }

    private static bool IsSameOrInside(string path, string root)
    {
        string normalizedRoot = root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return path == root || path.StartsWith(normalizedRoot, StringComparison.Ordinal);
    }
}
