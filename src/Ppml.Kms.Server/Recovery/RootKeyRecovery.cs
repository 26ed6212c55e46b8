using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Ppml.Core.IO;
using Ppml.Kms.Server.Crypto;
using Ppml.Kms.Server.Storage;

namespace Ppml.Kms.Server.Recovery;

/// <summary>
/// k-of-n recovery of the server's root key (Shamir over GF(256)). <see cref="SplitAsync"/> opens the root key with the
/// operator secret and returns n shares; <see cref="RecoverAsync"/> combines k of them, checks the result against the
/// store's root check value, and seals the root key under a new operator secret. The server must be stopped.
/// Share text: <c>ppml-kms-share/1:&lt;k&gt;:&lt;index&gt;:&lt;share hex&gt;:&lt;root check prefix hex&gt;</c>.
/// </summary>
public static class RootKeyRecovery
{
    private const string Prefix = "ppml-kms-share/1";

    /// <summary>Splits the root key of the store into <paramref name="shares"/> shares, any <paramref name="threshold"/> of which recover it.</summary>
    /// <param name="storeDirectory">The store.</param>
    /// <param name="secretFile">The operator secret; <see langword="null"/> for <c>STORE/operator.secret</c>.</param>
    /// <param name="threshold">Shares needed (2..shares).</param>
    /// <param name="shares">Shares made (threshold..255).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The share texts; hand each to a different custodian.</returns>
    /// <exception cref="KmsException">The store is in use, or the secret is wrong.</exception>
    public static async Task<IReadOnlyList<string>> SplitAsync(string storeDirectory, string? secretFile, int threshold, int shares, CancellationToken cancellationToken = default)
    {
        if (threshold < 2 || threshold > shares || shares > 255)
        {
            throw new KmsException(KmsErrorCode.InvalidRequest, $"A {threshold}-of-{shares} split is not possible: use 2 <= threshold <= shares <= 255.");
        }

        string directory = Path.GetFullPath(storeDirectory);
        (FileStream lockFile, SqliteConnection connection) = OpenExisting(directory);
        await using (lockFile.ConfigureAwait(false))
        using (connection)
        {
            using RootKey root = await KmsStore.OpenRootAsync(connection, secretFile ?? Path.Combine(directory, KmsStore.SecretFileName), cancellationToken).ConfigureAwait(false);
            string check = Convert.ToHexStringLower(root.Check().AsSpan(0, 8));
            return [.. Shamir.Split(root.Bytes, threshold, shares).Select(s =>
                string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{threshold}:{s.X}:{Convert.ToHexStringLower(s.Y)}:{check}"))];
        }
    }

    /// <summary>
    /// Splits the root key (<see cref="SplitAsync"/>) and writes the shares to <c>share-1.txt</c> ... <c>share-n.txt</c> in
    /// <paramref name="outputDirectory"/> (mode 0600; an existing share file is never overwritten).
    /// </summary>
    /// <param name="storeDirectory">The store.</param>
    /// <param name="secretFile">The operator secret; <see langword="null"/> for <c>STORE/operator.secret</c>.</param>
    /// <param name="threshold">Shares needed (2..shares).</param>
    /// <param name="shares">Shares made (threshold..255).</param>
    /// <param name="outputDirectory">Where the share files go (created when missing).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The share files, in order.</returns>
    /// <exception cref="KmsException">The split is impossible, the store is in use, or the secret is wrong.</exception>
    /// <exception cref="IOException">A share file already exists.</exception>
    public static async Task<IReadOnlyList<string>> SplitToFilesAsync(
        string storeDirectory, string? secretFile, int threshold, int shares, string outputDirectory, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> split = await SplitAsync(storeDirectory, secretFile, threshold, shares, cancellationToken).ConfigureAwait(false);
        var paths = new List<string>(split.Count);
        for (int i = 0; i < split.Count; i++)
        {
            string path = Path.Combine(outputDirectory, string.Create(CultureInfo.InvariantCulture, $"share-{i + 1}.txt"));
            await SecretFiles.WriteAllBytesAsync(path, Encoding.ASCII.GetBytes(split[i] + "\n"), overwrite: false, cancellationToken).ConfigureAwait(false);
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>Reads share files and recovers the root key from them (<see cref="RecoverAsync"/>).</summary>
    /// <param name="storeDirectory">The store.</param>
    /// <param name="shareFiles">At least the threshold of share files.</param>
    /// <param name="newSecretFile">The new operator secret file (created when missing).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>Whether a new secret file was generated.</returns>
    /// <exception cref="FileNotFoundException">A share file is missing.</exception>
    /// <exception cref="KmsException">Shares are malformed, too few, or do not recover this store's root key.</exception>
    public static async Task<bool> RecoverFromFilesAsync(string storeDirectory, IReadOnlyList<string> shareFiles, string newSecretFile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shareFiles);
        var shares = new List<string>(shareFiles.Count);
        foreach (string file in shareFiles)
        {
            shares.Add(await SecretFiles.ReadAllTextAsync(file, SecretFileKind.Secret, cancellationToken).ConfigureAwait(false));
        }

        return await RecoverAsync(storeDirectory, shares, newSecretFile, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Recovers the root key from shares and seals it under the secret in <paramref name="newSecretFile"/> (created when missing).</summary>
    /// <param name="storeDirectory">The store.</param>
    /// <param name="shares">At least the threshold of share texts.</param>
    /// <param name="newSecretFile">The new operator secret file.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>Whether a new secret file was generated.</returns>
    /// <exception cref="KmsException">Shares are malformed, too few, or do not recover this store's root key.</exception>
    public static async Task<bool> RecoverAsync(string storeDirectory, IReadOnlyList<string> shares, string newSecretFile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var parsed = new List<(byte X, byte[] Y)>();
        int threshold = 0;
        string? check = null;
        for (int i = 0; i < shares.Count; i++)
        {
            string[] parts = shares[i].Trim().Split(':');
            if (parts.Length != 5 || parts[0] != Prefix
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int k) || k is < 2 or > 255
                || !byte.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out byte x) || x == 0
                || parts[3].Length != 64 || parts[4].Length != 16)
            {
                throw new KmsException(KmsErrorCode.InvalidRequest, $"Share {i + 1} is not a '{Prefix}' share (expected {Prefix}:K:INDEX:64 hex:16 hex).");
            }

            byte[] y;
            try
            {
                y = Convert.FromHexString(parts[3]);
            }
            catch (FormatException exception)
            {
                throw new KmsException(KmsErrorCode.InvalidRequest, $"Share {i + 1} has a share value that is not hex.", exception);
            }

            if ((check is not null && check != parts[4]) || (threshold != 0 && threshold != k))
            {
                throw new KmsException(KmsErrorCode.InvalidRequest, $"Share {i + 1} belongs to a different split than share 1.");
            }

            if (parsed.Any(p => p.X == x))
            {
                throw new KmsException(KmsErrorCode.InvalidRequest, $"Share {i + 1} repeats share index {x}.");
            }

            check = parts[4];
            threshold = k;
            parsed.Add((x, y));
        }

        if (parsed.Count < Math.Max(threshold, 2))
        {
            throw new KmsException(KmsErrorCode.InvalidRequest, $"{parsed.Count} share(s) given; this split needs {threshold}.");
        }

        string directory = Path.GetFullPath(storeDirectory);
        (FileStream lockFile, SqliteConnection connection) = OpenExisting(directory);
        await using (lockFile.ConfigureAwait(false))
        using (connection)
        {
            using var root = new RootKey(Shamir.Combine(parsed));
            byte[] expected = KmsStore.ReadMeta(connection, "root.check") ?? throw new KmsException(KmsErrorCode.StoreUnavailable, "The store has no root.check.");
            if (!CryptographicOperations.FixedTimeEquals(root.Check(), expected))
            {
                throw new KmsException(KmsErrorCode.WrongPassword, "The shares do not recover this store's root key (shares of another store, or altered shares).");
            }

            bool generated = false;
            if (!System.IO.File.Exists(newSecretFile))
            {
                string fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
                await SecretFiles.WriteAllBytesAsync(
                    newSecretFile, System.Text.Encoding.ASCII.GetBytes(fresh + "\n"), overwrite: false, cancellationToken).ConfigureAwait(false);
                generated = true;
            }

            string secret = await KmsStore.ReadSecretAsync(newSecretFile, cancellationToken).ConfigureAwait(false);
            int iterations = BitConverter.ToInt32(KmsStore.ReadMeta(connection, "root.iterations") ?? BitConverter.GetBytes(600_000));
            using SqliteTransaction transaction = connection.BeginTransaction();
            KmsStore.SealRoot(connection, transaction, root, secret, iterations);
            transaction.Commit();
            return generated;
        }
    }

    private static (FileStream, SqliteConnection) OpenExisting(string directory)
    {
        string database = Path.Combine(directory, KmsStore.DatabaseFileName);
        if (!System.IO.File.Exists(database))
        {
            throw new KmsException(KmsErrorCode.StoreUnavailable, $"No KMS server store at '{directory}' ({KmsStore.DatabaseFileName} is missing).");
        }

        FileStream lockFile = KmsStore.AcquireLock(directory);
        try
        {
            return (lockFile, KmsStore.OpenConnection(database, readOnly: false));
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }
}
