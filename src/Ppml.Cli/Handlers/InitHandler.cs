using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ppml.Attestation.Simulation;
using Ppml.Core;
using Ppml.Core.IO;
using Ppml.Crypto.Keys;
using Ppml.Kms.File;
using Ppml.Tee.Measurement;
using Ppml.Tee.Sealing;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary><c>ppml init</c>: creates a workspace; with --force, moves the old one to backups/ first.</summary>
internal sealed class InitHandler
{
    public const string DefaultKeyName = PpmlWorkspace.DefaultKeyName;

    private readonly CliContext _context;

    public InitHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<InitResult> InitializeAsync(string root, bool force, string? passwordFile, CancellationToken cancellationToken)
    {
        // Decided before anything is written: a PPML_TEE near miss is an error (exit 2), never a simulated workspace.
        string tee = ConfiguredTee(_context.GetEnvironmentVariable);
        string? backup = null;
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any(e => Path.GetFileName(e) != PpmlWorkspace.BackupsDirectoryName))
        {
            if (!force)
            {
                throw CliException.Failure(
                    $"'{root}' already holds a workspace; its keys protect your data. Pass --force to replace it (the old one is kept under {PpmlWorkspace.BackupsDirectoryName}/).");
            }

            backup = MoveToBackup(root);
        }

        Directory.CreateDirectory(root);
        string password = passwordFile is null
            ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            : await PasswordFile.ReadAsync(_context.ResolvePath(passwordFile), _context.Input, cancellationToken);

        await PasswordEncryption.EncryptToDirectoryAsync(password, Path.Combine(root, PpmlWorkspace.PasswordDirectoryName), overwrite: false, cancellationToken);

        SignedEnclave enclave;
        using (var enclaveKey = RsaKeyGenerator.Generate(3072, 3))
        {
            await WritePemAsync(Path.Combine(root, PpmlWorkspace.EnclaveKeyFileName), enclaveKey.ExportRSAPrivateKeyPem(), cancellationToken);

            // `ppml enclave sign` of ppml itself: the measurement simulation mode quotes, and KMS release policies name.
            enclave = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(AppContext.BaseDirectory), enclaveKey, cancellationToken);
            string signed = Path.Combine(root, PpmlWorkspace.SignedEnclaveFileName);
            Directory.CreateDirectory(Path.GetDirectoryName(signed)!);
            await AtomicFile.WriteAllBytesAsync(signed, EnclaveSigner.Serialize(enclave), overwrite: false, cancellationToken: cancellationToken);
        }

        await TlsMaterialGenerator.WriteAsync(
            Path.Combine(root, PpmlWorkspace.TlsDirectoryName), password, [], _context.TimeProvider, overwrite: false, cancellationToken);

        using (FileKeyManagementService kms = await FileKeyManagementService.CreateAsync(
            Path.Combine(root, PpmlWorkspace.KmsDirectoryName), password, _context.TimeProvider, cancellationToken))
        {
            await kms.CreateKeyAsync(DefaultKeyName, cancellationToken);
        }

        if (tee == TeeKinds.Simulation)
        {
            // No TEE here: a simulated platform (Intel-shaped PKI, collateral, quoting enclave) and its seal secret.
            using SimulatedPlatform platform = await SimulatedPlatform.CreateAsync(null, _context.TimeProvider, cancellationToken);
            await platform.SaveAsync(Path.Combine(root, PpmlWorkspace.SimulatedPlatformDirectoryName), cancellationToken);
            await DerivedSealingKeySource.WriteNewSecretAsync(Path.Combine(root, PpmlWorkspace.SealSecretFileName), cancellationToken);
        }

        var config = new WorkspaceConfig
        {
            Tee = tee,
            Kms = "file:" + PpmlWorkspace.KmsDirectoryName,
            DefaultKey = DefaultKeyName,
            CreatedAt = _context.TimeProvider.GetUtcNow(),
        };
        await AtomicFile.WriteAllBytesAsync(
            Path.Combine(root, PpmlWorkspace.ConfigFileName),
            JsonSerializer.SerializeToUtf8Bytes(config, WorkspaceJsonContext.Default.WorkspaceConfig),
            overwrite: false,
            cancellationToken: cancellationToken);

        return new InitResult(root, config.Tee, config.Kms, DefaultKeyName, backup, enclave.MrEnclave, enclave.MrSigner);
    }

    /// <summary>
    /// Inside an enclave or TD, PPML_TEE=sgx|tdx at init records that mode; unset or <c>simulation</c> records an
    /// explicitly simulated workspace. The parse is strict (<see cref="TeeKinds"/>); <c>auto</c> cannot choose a mode here.
    /// </summary>
    private static string ConfiguredTee(Func<string, string?> getEnvironmentVariable)
    {
        bool production = DeploymentEnvironment.IsProduction(getEnvironmentVariable);
        if (!TeeKinds.TryReadEnvironment(getEnvironmentVariable, out TeeKind? requested))
        {
            return production
                ? throw CliException.Usage(
                    $"{DeploymentEnvironment.EnvironmentVariable}=production refuses a simulated workspace (no memory protection); set {TeeKinds.EnvironmentVariable}=sgx or tdx inside the TEE.")
                : TeeKinds.Simulation;
        }

        if (production && requested == TeeKind.Simulation)
        {
            throw CliException.Usage(
                $"{DeploymentEnvironment.EnvironmentVariable}=production refuses {TeeKinds.EnvironmentVariable}=simulation (no memory protection); set sgx or tdx inside the TEE.");
        }

        return requested?.ToName() ?? throw CliException.Usage(
            $"{TeeKinds.EnvironmentVariable}=auto cannot choose the mode of a new workspace; set it to sgx, tdx or simulation, or unset it (simulation).");
    }

    public static Task WritePemAsync(string path, string pem, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllBytesAsync(path, Encoding.ASCII.GetBytes(pem + "\n"), overwrite: false, AtomicFile.OwnerOnly, cancellationToken);

    private string MoveToBackup(string root)
    {
        string stamp = _context.TimeProvider.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string backup = Path.Combine(root, PpmlWorkspace.BackupsDirectoryName, stamp);
        int suffix = 1;
        while (Directory.Exists(backup))
        {
            backup = Path.Combine(root, PpmlWorkspace.BackupsDirectoryName, $"{stamp}-{suffix++}");
        }

        Directory.CreateDirectory(backup);
        foreach (string entry in Directory.EnumerateFileSystemEntries(root))
        {
            string name = Path.GetFileName(entry);
            if (name == PpmlWorkspace.BackupsDirectoryName)
            {
                continue;
            }

            string target = Path.Combine(backup, name);
            if (Directory.Exists(entry))
            {
                Directory.Move(entry, target);
            }
            else
            {
                File.Move(entry, target);
            }
        }

        return backup;
    }
}

internal sealed record InitResult(string Root, string Tee, string Kms, string DefaultKey, string? Backup, string MrEnclave, string MrSigner);
