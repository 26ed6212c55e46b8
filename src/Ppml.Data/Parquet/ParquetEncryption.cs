using System.Security.Cryptography;
using ParquetSharp;
using Ppml.Kms;

namespace Ppml.Data.Parquet;

/// <summary>
/// Parquet Modular Encryption with KMS data keys. Writing: one fresh data key for the footer and one per column
/// (AES_GCM_V1, encrypted footer), each stored wrapped in the file's key metadata as <see cref="ParquetKeyMaterial"/>.
/// Reading: the key metadata is unwrapped through the KMS. ParquetSharp asks for keys synchronously from native code,
/// so keys are resolved ahead: an attempt that meets an unknown key records its metadata and fails; the keys are then
/// unwrapped asynchronously and the read is retried (at most once per column, plus once for the footer).
/// </summary>
internal static class ParquetEncryption
{
    /// <summary>Fresh data keys for a file with <paramref name="columnNames"/>; dispose them after writing.</summary>
    public static async Task<FileKeys> CreateFileKeysAsync(IKeyManagementService kms, string keyName, IReadOnlyList<string> columnNames, CancellationToken cancellationToken)
    {
        var keys = new List<DataKey>(columnNames.Count + 1);
        try
        {
            for (int i = 0; i <= columnNames.Count; i++)
            {
                keys.Add(await kms.GenerateDataKeyAsync(keyName, cancellationToken).ConfigureAwait(false));
            }

            return new FileKeys(keys, columnNames);
        }
        catch
        {
            foreach (DataKey key in keys)
            {
                key.Dispose();
            }

            throw;
        }
    }

    /// <summary>The data keys of one encrypted Parquet file: the footer key and one per column.</summary>
    internal sealed class FileKeys : IDisposable
    {
        private readonly List<DataKey> _keys;
        private readonly IReadOnlyList<string> _columnNames;

        public FileKeys(List<DataKey> keys, IReadOnlyList<string> columnNames)
        {
            _keys = keys;
            _columnNames = columnNames;
        }

        /// <summary>Builds ParquetSharp's encryption properties (the caller disposes them).</summary>
        public FileEncryptionProperties CreateProperties()
        {
            var columns = new ColumnEncryptionProperties[_columnNames.Count];
            try
            {
                for (int i = 0; i < _columnNames.Count; i++)
                {
                    DataKey key = _keys[i + 1];
                    using var builder = new ColumnEncryptionPropertiesBuilder(_columnNames[i]);
                    columns[i] = builder
                        .Key(key.Plaintext.ToArray())
                        .KeyMetadata(new ParquetKeyMaterial(key.KeyName, key.KeyVersion, key.WrappedKey.ToArray(), IsFooterKey: false).ToJson())
                        .Build();
                }

                DataKey footer = _keys[0];
                using var fileBuilder = new FileEncryptionPropertiesBuilder(footer.Plaintext.ToArray());
                return fileBuilder
                    .Algorithm(ParquetCipher.AesGcmV1)
                    .FooterKeyMetadata(new ParquetKeyMaterial(footer.KeyName, footer.KeyVersion, footer.WrappedKey.ToArray(), IsFooterKey: true).ToJson())
                    .EncryptedColumns(columns)
                    .Build();
            }
            finally
            {
                foreach (ColumnEncryptionProperties? column in columns)
                {
                    column?.Dispose();
                }
            }
        }

        public void Dispose()
        {
            foreach (DataKey key in _keys)
            {
                key.Dispose();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> with decryption properties whose keys come from the KMS, retrying as new key
    /// metadata is discovered (see the type remarks).
    /// </summary>
    public static async Task<T> WithDecryptionAsync<T>(
        IKeyManagementService kms, string path, Func<ReaderProperties, T> read, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                var retriever = new ResolvedKeyRetriever(resolved);
                try
                {
                    using var builder = new FileDecryptionPropertiesBuilder();
                    using FileDecryptionProperties decryption = builder.KeyRetriever(retriever).PlaintextFilesAllowed().Build();
                    using ReaderProperties properties = ReaderProperties.GetDefaultReaderProperties();
                    properties.FileDecryptionProperties = decryption;
                    return await Task.Run(() => read(properties), cancellationToken).ConfigureAwait(false);
                }
                catch (ParquetException) when (retriever.Missing.Count > 0 && attempt < 4096)
                {
                    foreach (string metadata in retriever.Missing)
                    {
                        ParquetKeyMaterial material = ParquetKeyMaterial.TryParse(metadata)
                            ?? throw new DatasetException(
                                $"Part '{path}' is Parquet with modular encryption whose key metadata is not PPML key material (PKMT1 with a KMS-wrapped key); it was not written by PPML and cannot be decrypted here.",
                                path,
                                line: null);
                        try
                        {
                            resolved[metadata] = await kms.UnwrapDataKeyAsync(material.KeyName, material.KeyVersion, material.WrappedKey, cancellationToken).ConfigureAwait(false);
                        }
                        catch (KmsException exception)
                        {
                            throw new DatasetException(
                                $"Part '{path}' cannot be read: the KMS refused its Parquet {(material.IsFooterKey ? "footer" : "column")} key ({exception.Message}).",
                                path,
                                line: null,
                                exception);
                        }
                    }
                }
                catch (ParquetException exception)
                {
                    throw new DatasetException(
                        $"Part '{path}' cannot be read as encrypted Parquet: {FirstLine(exception.Message)} (wrong key, or the file was modified or truncated).",
                        path,
                        line: null,
                        exception);
                }
            }
        }
        finally
        {
            foreach (byte[] key in resolved.Values)
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
    }

    internal static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }

    /// <summary>Hands out resolved keys; for unknown metadata, records it and returns a random key that cannot authenticate.</summary>
    private sealed class ResolvedKeyRetriever : DecryptionKeyRetriever
    {
        private readonly Dictionary<string, byte[]> _resolved;

        public ResolvedKeyRetriever(Dictionary<string, byte[]> resolved)
        {
            _resolved = resolved;
        }

        public List<string> Missing { get; } = [];

        public override byte[] GetKey(string keyMetadata)
        {
            if (_resolved.TryGetValue(keyMetadata, out byte[]? key))
            {
                return key.ToArray();
            }

            lock (Missing)
            {
                if (!Missing.Contains(keyMetadata))
                {
                    Missing.Add(keyMetadata);
                }
            }

            // AES-GCM with a random key fails authentication; the attempt then throws and is retried with the real key.
            return RandomNumberGenerator.GetBytes(32);
        }
    }
}
