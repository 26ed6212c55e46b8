using System.Security.Cryptography;
using System.Text.Json;
using Ppml.Crypto.Aead;

namespace Ppml.Crypto.Tests.Aead;

public sealed class DataKeyWrapTests
{
    private static readonly byte[] s_primary = RandomNumberGenerator.GetBytes(32);

    public static TheoryData<int> LegacyWraps() => [.. Enumerable.Range(0, AeadTestData.Legacy("dataKeyWraps").Count())];

    [Fact]
    public void Unwrap_Wrapped_ReturnsDataKeyInFormat3()
    {
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);

        byte[] wrapped = DataKeyWrap.Wrap(s_primary, "orders", 7, dataKey);

        Assert.Equal(DataKeyWrap.WrappedSize, wrapped.Length);
        Assert.Equal(81, wrapped.Length);
        Assert.Equal(3, wrapped[0]);
        Assert.Equal(dataKey, DataKeyWrap.Unwrap(s_primary, "orders", 7, wrapped));
    }

    [Fact]
    public void Wrap_SameDataKeyTwice_Differs()
    {
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);

        Assert.NotEqual(DataKeyWrap.Wrap(s_primary, "k", 1, dataKey), DataKeyWrap.Wrap(s_primary, "k", 1, dataKey));
    }

    [Theory]
    [MemberData(nameof(LegacyWraps))]
    public void Unwrap_KeyWrappedByShippedCode_ReturnsDataKey(int index)
    {
        JsonElement vector = AeadTestData.Legacy("dataKeyWraps").ElementAt(index);
        byte[] wrapped = vector.Hex("wrapped");

        byte[] dataKey = DataKeyWrap.Unwrap(vector.Hex("primaryKey"), vector.Text("keyName"), vector.GetProperty("keyVersion").GetInt32(), wrapped);

        Assert.Equal(vector.GetProperty("format").GetInt32(), wrapped[0]);
        Assert.Equal(DataKeyWrap.LegacyWrappedSize, wrapped.Length);
        Assert.Equal(vector.Hex("dataKey"), dataKey);
    }

    [Theory]
    [MemberData(nameof(LegacyWraps))]
    public void Unwrap_KeyWrappedByShippedCodeUnderOtherNameVersionOrFormat_Throws(int index)
    {
        JsonElement vector = AeadTestData.Legacy("dataKeyWraps").ElementAt(index);
        byte[] primary = vector.Hex("primaryKey");
        byte[] wrapped = vector.Hex("wrapped");
        string name = vector.Text("keyName");
        int version = vector.GetProperty("keyVersion").GetInt32();
        byte[] relabelled = wrapped.ToArray();
        relabelled[0] = (byte)(wrapped[0] == 1 ? 2 : 1);

        Assert.Throws<AeadAuthenticationException>(() => DataKeyWrap.Unwrap(primary, name + "x", version, wrapped));
        Assert.Throws<AeadAuthenticationException>(() => DataKeyWrap.Unwrap(primary, name, version ^ 1, wrapped));
        Assert.Throws<AeadAuthenticationException>(() => DataKeyWrap.Unwrap(primary, name, version, relabelled));
        Assert.Throws<AeadAuthenticationException>(() => DataKeyWrap.Unwrap(RandomNumberGenerator.GetBytes(32), name, version, wrapped));
    }

    [Fact]
    public void Unwrap_WrongNameVersionOrPrimary_ThrowsNamingKeyAndVersion()
    {
        byte[] wrapped = DataKeyWrap.Wrap(s_primary, "orders", 7, new byte[32]);

        Assert.Throws<AeadAuthenticationException>(() => DataKeyWrap.Unwrap(s_primary, "order", 7, wrapped));
        Assert.Throws<AeadAuthenticationException>(() => DataKeyWrap.Unwrap(s_primary, "orders", 8, wrapped));
        AeadAuthenticationException error = Assert.Throws<AeadAuthenticationException>(
            () => DataKeyWrap.Unwrap(RandomNumberGenerator.GetBytes(32), "orders", 7, wrapped));

        Assert.Contains("'orders' version 7", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(s_primary), error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Unwrap_EveryBitFlipped_Throws()
    {
        byte[] wrapped = DataKeyWrap.Wrap(s_primary, "k", 1, RandomNumberGenerator.GetBytes(32));

        for (int bit = 0; bit < wrapped.Length * 8; bit++)
        {
            byte[] tampered = wrapped.ToArray();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));

            Assert.IsType<AeadAuthenticationException>(Record.Exception(() => DataKeyWrap.Unwrap(s_primary, "k", 1, tampered)));
        }
    }

    [Fact]
    public void Unwrap_TruncatedAtEveryLength_ThrowsOnlyTheDomainException()
    {
        JsonElement legacy = AeadTestData.Legacy("dataKeyWraps").First();
        (byte[] Primary, string Name, int Version, byte[] Wrapped)[] cases =
        [
            (s_primary, "k", 1, DataKeyWrap.Wrap(s_primary, "k", 1, RandomNumberGenerator.GetBytes(32))),
            (legacy.Hex("primaryKey"), legacy.Text("keyName"), legacy.GetProperty("keyVersion").GetInt32(), legacy.Hex("wrapped")),
        ];

        foreach (var (primary, name, version, wrapped) in cases)
        {
            for (int length = 0; length < wrapped.Length; length++)
            {
                byte[] truncated = wrapped[..length];
                Assert.IsType<AeadAuthenticationException>(Record.Exception(() => DataKeyWrap.Unwrap(primary, name, version, truncated)));
            }
        }
    }

    [Fact]
    public void Unwrap_IndependentReferenceVector_ReturnsDataKey()
    {
        // TestData/aead/derived_key_aead_v3.py known-answer (Python 'cryptography'), line "wrap": key 00..1f, salt 20..3f,
        // data key 40..5f, key "orders" version 7.
        const string Expected =
            "03202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" +
            "ce8348396839f3608954e3fccc48a92ac4679fbd47986ffe2e2ac66fc3c1dcd940446c99cdb10a82c022fe14c9247ecd";
        byte[] primary = [.. Enumerable.Range(0x00, 32).Select(i => (byte)i)];
        byte[] salt = [.. Enumerable.Range(0x20, 32).Select(i => (byte)i)];
        byte[] dataKey = [.. Enumerable.Range(0x40, 32).Select(i => (byte)i)];
        byte[] wrapped = new byte[DataKeyWrap.WrappedSize];

        DerivedKeyAead.Seal(primary, "ppml/data-key-wrap/v3", salt, dataKey, DataKeyWrap.AssociatedData("orders", 7), wrapped);

        Assert.Equal(Expected, Convert.ToHexStringLower(wrapped));
        Assert.Equal(dataKey, DataKeyWrap.Unwrap(primary, "orders", 7, Convert.FromHexString(Expected)));
    }

    [Fact]
    public void Wrap_DataKeyNotThirtyTwoBytesOrEmptyName_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => DataKeyWrap.Wrap(s_primary, "k", 1, new byte[16]));
        Assert.Throws<ArgumentException>(() => DataKeyWrap.Wrap(s_primary, string.Empty, 1, new byte[32]));
    }
}
