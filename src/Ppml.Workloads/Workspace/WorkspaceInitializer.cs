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

namespace Ppml.Workloads.Workspace;

/// <summary>
/// Creates a workspace (<c>ppml init</c> as a library call): the password, the signing key and the signed ppml, TLS
/// material, the local <c>file:</c> KMS with the default key, in simulation mode a simulated platform and its seal
/// secret, and <c>config.json</c>. With <c>force</c>, the old workspace is moved under <c>backups/</c> first.
/// </summary>
public static class WorkspaceInitializer
{
    /// <summary>Creates the workspace at <paramref name="root"/>.</summary>
    /// <param name="host">The environment (<c>PPML_TEE</c>, <c>PPML_ENVIRONMENT</c>) and the clock.</param>
    /// <param name="root">The workspace directory.</param>
    /// <param name="force">Whether an existing workspace is replaced (moved under <c>backups/</c>).</param>
    /// <param name="readPassword">Reads the password; <see langword="null"/> for a random one. Called after the existing-workspace check.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>What was created.</returns>
    /// <exception cref="WorkloadException">The TEE settings are invalid (<see cref="WorkloadException.IsInvalidInput"/>), or a workspace exists and <paramref name="force"/> is not set.</exception>
    public static async Task<WorkspaceInitResult> CreateAsync(
        IWorkloadHost host, string root, bool force, Func<CancellationToken, Task<string>>? readPassword, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(root);

        // Decided before anything is written: a PPML_TEE near miss is an error (exit 2), never a simulated workspace.
        string tee = ConfiguredTee(host.GetEnvironmentVariable);
        string? backup = null;
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any(e => Path.GetFileName(e) != PpmlWorkspace.BackupsDirectoryName))
        {
            if (!force)
            {
                throw new WorkloadException(
                    $"'{root}' already holds a workspace; its keys protect your data. Pass --force to replace it (the old one is kept under {PpmlWorkspace.BackupsDirectoryName}/).");
            }

            backup = MoveToBackup(root, host.TimeProvider);
        }

        // The workspace holds secrets and trust anchors: 0700 whatever the umask (SecretFiles).
        SecretFiles.CreateDirectory(root);
        string password = readPassword is null
            ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            : await readPassword(cancellationToken).ConfigureAwait(false);

        await PasswordEncryption.EncryptToDirectoryAsync(password, Path.Combine(root, PpmlWorkspace.PasswordDirectoryName), overwrite: false, cancellationToken).ConfigureAwait(false);

        SignedEnclave enclave;
        using (var enclaveKey = RsaKeyGenerator.Generate(3072, 3))
        {
            await SecretFiles.WriteAllBytesAsync(
                Path.Combine(root, PpmlWorkspace.EnclaveKeyFileName), Encoding.ASCII.GetBytes(enclaveKey.ExportRSAPrivateKeyPem() + "\n"), overwrite: false, cancellationToken)
                .ConfigureAwait(false);

            // `ppml enclave sign` of ppml itself: the measurement simulation mode quotes, and KMS release policies name.
            enclave = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(AppContext.BaseDirectory), enclaveKey, cancellationToken).ConfigureAwait(false);
            string signed = Path.Combine(root, PpmlWorkspace.SignedEnclaveFileName);
            await SecretFiles.WriteAllBytesAsync(signed, EnclaveSigner.Serialize(enclave), overwrite: false, cancellationToken).ConfigureAwait(false);
        }

        await TlsMaterialGenerator.WriteAsync(
            Path.Combine(root, PpmlWorkspace.TlsDirectoryName), password, [], host.TimeProvider, overwrite: false, cancellationToken).ConfigureAwait(false);

        using (FileKeyManagementService kms = await FileKeyManagementService.CreateAsync(
            Path.Combine(root, PpmlWorkspace.KmsDirectoryName), password, host.TimeProvider, cancellationToken).ConfigureAwait(false))
        {
            await kms.CreateKeyAsync(PpmlWorkspace.DefaultKeyName, cancellationToken).ConfigureAwait(false);
        }

        if (tee == TeeKinds.Simulation)
        {
            // No TEE here: a simulated platform (Intel-shaped PKI, collateral, quoting enclave) and its seal secret.
            using SimulatedPlatform platform = await SimulatedPlatform.CreateAsync(null, host.TimeProvider, cancellationToken).ConfigureAwait(false);
            await platform.SaveAsync(Path.Combine(root, PpmlWorkspace.SimulatedPlatformDirectoryName), cancellationToken).ConfigureAwait(false);
            await DerivedSealingKeySource.WriteNewSecretAsync(Path.Combine(root, PpmlWorkspace.SealSecretFileName), cancellationToken).ConfigureAwait(false);
        }

        var config = new WorkspaceConfig
        {
            Tee = tee,
            Kms = "file:" + PpmlWorkspace.KmsDirectoryName,
            DefaultKey = PpmlWorkspace.DefaultKeyName,
            CreatedAt = host.TimeProvider.GetUtcNow(),
        };
        await SecretFiles.WriteAllBytesAsync(
            Path.Combine(root, PpmlWorkspace.ConfigFileName),
            JsonSerializer.SerializeToUtf8Bytes(config, WorkspaceJsonContext.Default.WorkspaceConfig),
            overwrite: false,
            cancellationToken).ConfigureAwait(false);

        return new WorkspaceInitResult(root, config.Tee, config.Kms, PpmlWorkspace.DefaultKeyName, backup, enclave.MrEnclave, enclave.MrSigner);
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
                ? throw new WorkloadException(
                    $"{DeploymentEnvironment.EnvironmentVariable}=production refuses a simulated workspace (no memory protection); set {TeeKinds.EnvironmentVariable}=sgx or tdx inside the TEE.",
                    isInvalidInput: true)
                : TeeKinds.Simulation;
        }

        if (production && requested == TeeKind.Simulation)
        {
            throw new WorkloadException(
                $"{DeploymentEnvironment.EnvironmentVariable}=production refuses {TeeKinds.EnvironmentVariable}=simulation (no memory protection); set sgx or tdx inside the TEE.",
                isInvalidInput: true);
        }

        return requested?.ToName() ?? throw new WorkloadException(
            $"{TeeKinds.EnvironmentVariable}=auto cannot choose the mode of a new workspace; set it to sgx, tdx or simulation, or unset it (simulation).",
            isInvalidInput: true);
    }

    private static string MoveToBackup(string root, TimeProvider timeProvider)
    {
        string stamp = timeProvider.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string backup = Path.Combine(root, PpmlWorkspace.BackupsDirectoryName, stamp);
        int suffix = 1;
        while (Directory.Exists(backup))
        {
            backup = Path.Combine(root, PpmlWorkspace.BackupsDirectoryName, $"{stamp}-{suffix++}");
        }

        SecretFiles.CreateDirectory(backup);
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
