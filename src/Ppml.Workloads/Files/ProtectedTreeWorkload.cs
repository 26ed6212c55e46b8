using Ppml.Crypto.Container;
using Ppml.Kms;
using Ppml.Workloads.Workspace;

namespace Ppml.Workloads.Files;

/// <summary>
/// <c>ppml encrypt</c> and <c>ppml decrypt</c> against a <see cref="KmsTarget"/>: encrypting is the data owner's act (the
/// owner's key service, a producer of the key); decrypting is a workload like any other, through a
/// <see cref="PpmlSession"/> that attests with a KMS server and takes only released keys, unless the owner's plain path is
/// asked for (<see cref="SessionAttestation.Owner"/>).
/// </summary>
public static class ProtectedTreeWorkload
{
    /// <summary>Encrypts what <paramref name="plan"/> lists under <paramref name="keyName"/> (default: the target's default key).</summary>
    /// <param name="host">The hosting process.</param>
    /// <param name="target">The KMS.</param>
    /// <param name="plan">From <see cref="ProtectedTree.Plan"/> with encrypt set.</param>
    /// <param name="keyName">The key; <see langword="null"/> for the workspace's default (<see cref="KmsTarget.ResolveKeyNameAsync"/>).</param>
    /// <param name="containerOptions">Container settings; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives byte increments; may be null.</param>
    /// <param name="cancellationToken">Cancels the work (a tree leaves no partial output).</param>
    /// <returns>The key the files were encrypted under.</returns>
    /// <exception cref="ProtectedFileException">A file failed.</exception>
    public static async Task<string> EncryptAsync(
        IWorkloadHost host,
        KmsTarget target,
        ProtectedTreePlan plan,
        string? keyName = null,
        ContainerOptions? containerOptions = null,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(plan);
        if (!plan.Encrypt)
        {
            throw new ArgumentException("The plan is a decryption plan.", nameof(plan));
        }

        using IKeyManagementService kms = await target.OpenAsync(host, cancellationToken).ConfigureAwait(false);
        string key = await target.ResolveKeyNameAsync(host, keyName, cancellationToken).ConfigureAwait(false);
        await ProtectedTree.ExecuteAsync(plan, kms, key, containerOptions, progress, cancellationToken).ConfigureAwait(false);
        return key;
    }

    /// <summary>Decrypts what <paramref name="plan"/> lists with the keys of a workload session.</summary>
    /// <param name="host">The hosting process.</param>
    /// <param name="target">The KMS (its <see cref="KmsTarget.Policy"/> is the attestation policy).</param>
    /// <param name="plan">From <see cref="ProtectedTree.Plan"/> with encrypt not set.</param>
    /// <param name="attestation"><see cref="SessionAttestation.Owner"/> for the data owner's plain path.</param>
    /// <param name="progress">Receives byte increments; may be null.</param>
    /// <param name="cancellationToken">Cancels the work (a tree leaves no partial output).</param>
    /// <returns>Whether the keys were released to an attested session.</returns>
    /// <exception cref="ProtectedFileException">A file failed (tampered, wrong key, refused).</exception>
    public static async Task<bool> DecryptAsync(
        IWorkloadHost host,
        KmsTarget target,
        ProtectedTreePlan plan,
        SessionAttestation attestation = SessionAttestation.Auto,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Encrypt)
        {
            throw new ArgumentException("The plan is an encryption plan.", nameof(plan));
        }

        PpmlSession session = await target.OpenSessionAsync(host, keyName: null, cancellationToken, attestation).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            await ProtectedTree.ExecuteAsync(plan, session.Keys, string.Empty, containerOptions: null, progress, cancellationToken).ConfigureAwait(false);
            return session.IsAttested;
        }
    }
}
