using System.Globalization;
using ParquetSharp;
using ParquetSharp.Encryption;
using Ppml.Kms;
using Ppml.Testing;

namespace Ppml.Data.Tests;

/// <summary>
/// Our encrypted Parquet read by the Parquet key-management tools of Apache Arrow C++
/// (<c>parquet::encryption::CryptoFactory</c>, reached through ParquetSharp's <see cref="CryptoFactory"/>): the same
/// code PyArrow's <c>pyarrow.parquet.encryption.CryptoFactory</c> wraps. It parses our key metadata as PKMT1 key
/// material on its own and asks a KMS client, written as a PyArrow user would write one, to unwrap each data key.
/// Nothing of our reader (ParquetEncryption, ParquetKeyMaterial) takes part.
/// </summary>
public sealed class ParquetKeyToolsInteropTests : IClassFixture<KmsFixture>
{
    private readonly KmsFixture _fixture;

    public ParquetKeyToolsInteropTests(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EncryptedParquet_ReadByArrowKeyTools_WithAKmsClientOverOurKms()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("people.parquet");
        await using (PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms))
        {
            await context.WriteAsync(
                "SELECT range::BIGINT AS id, 'name-' || range AS name, (range * 0.25)::DOUBLE AS score FROM range(3000)",
                path,
                DatasetFormat.Parquet,
                new DatasetWriteOptions { KeyName = "other" },
                Token);
        }

        var client = new PpmlKmsClient(_fixture.Kms);
        (long[] ids, string[] names, double[] scores) = ReadWithKeyTools(path, client);

        Assert.Equal(3000, ids.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            Assert.Equal(i, ids[i]);
            Assert.Equal("name-" + i.ToString(CultureInfo.InvariantCulture), names[i]);
            Assert.Equal(i * 0.25, scores[i]);
        }

        // One footer key and one key per column, each a distinct data key under the master key "other"
        // (Arrow may ask for the same key more than once).
        Assert.All(client.Unwrapped, request => Assert.Equal("other", request.MasterKey));
        Assert.Equal(4, client.Unwrapped.Select(request => request.WrappedKey).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task EncryptedParquet_KeyToolsWithAnotherKmsKey_CannotRead()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("t.parquet");
        await using (PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms))
        {
            await context.WriteAsync("SELECT 1::BIGINT AS id, 'x' AS name, 0.5::DOUBLE AS score", path, DatasetFormat.Parquet, cancellationToken: Token);
        }

        // A KMS client that unwraps under the wrong master key: the KMS refuses, so the reader gets no key.
        var client = new PpmlKmsClient(_fixture.Kms, masterKeyOverride: "other");

        ParquetException error = Assert.Throws<ParquetException>(() => ReadWithKeyTools(path, client));

        Assert.Contains("does not unwrap under key 'other'", error.Message, StringComparison.Ordinal);
    }

    private static (long[] Ids, string[] Names, double[] Scores) ReadWithKeyTools(string path, IKmsClient client)
    {
        using var factory = new CryptoFactory(_ => client);
        using var connection = new KmsConnectionConfig();
        using var configuration = new DecryptionConfiguration();
        using FileDecryptionProperties decryption = factory.GetFileDecryptionProperties(connection, configuration, path);
        using ReaderProperties properties = ReaderProperties.GetDefaultReaderProperties();
        properties.FileDecryptionProperties = decryption;
        using var reader = new ParquetFileReader(path, properties);

        var ids = new List<long>();
        var names = new List<string>();
        var scores = new List<double>();
        for (int group = 0; group < reader.FileMetaData.NumRowGroups; group++)
        {
            using RowGroupReader rowGroup = reader.RowGroup(group);
            int rows = checked((int)rowGroup.MetaData.NumRows);
            using (LogicalColumnReader<long?> column = rowGroup.Column(0).LogicalReader<long?>())
            {
                ids.AddRange(column.ReadAll(rows).Select(value => value!.Value));
            }

            using (LogicalColumnReader<string?> column = rowGroup.Column(1).LogicalReader<string?>())
            {
                names.AddRange(column.ReadAll(rows).Select(value => value!));
            }

            using (LogicalColumnReader<double?> column = rowGroup.Column(2).LogicalReader<double?>())
            {
                scores.AddRange(column.ReadAll(rows).Select(value => value!.Value));
            }
        }

        return (ids.ToArray(), names.ToArray(), scores.ToArray());
    }

    /// <summary>
    /// The KMS client a PyArrow or Spark user writes for our files (docs/analytics.md shows it in Python):
    /// <c>wrapped_key</c> is <c>v{version}:{base64}</c>, <c>master_key_identifier</c> the KMS key name.
    /// </summary>
    private sealed class PpmlKmsClient : IKmsClient
    {
        private readonly IKeyManagementService _kms;
        private readonly string? _masterKeyOverride;

        public PpmlKmsClient(IKeyManagementService kms, string? masterKeyOverride = null)
        {
            _kms = kms;
            _masterKeyOverride = masterKeyOverride;
        }

        public List<(string MasterKey, string WrappedKey)> Unwrapped { get; } = [];

        public string WrapKey(byte[] keyBytes, string masterKeyIdentifier) =>
            throw new NotSupportedException("This client only reads.");

        public byte[] UnwrapKey(string wrappedKey, string masterKeyIdentifier)
        {
            lock (Unwrapped)
            {
                Unwrapped.Add((masterKeyIdentifier, wrappedKey));
            }

            int colon = wrappedKey.IndexOf(':', StringComparison.Ordinal);
            int version = int.Parse(wrappedKey.AsSpan(1, colon - 1), NumberStyles.None, CultureInfo.InvariantCulture);
            byte[] wrapped = Convert.FromBase64String(wrappedKey[(colon + 1)..]);
            return _kms.UnwrapDataKeyAsync(_masterKeyOverride ?? masterKeyIdentifier, version, wrapped).GetAwaiter().GetResult();
        }
    }
}
