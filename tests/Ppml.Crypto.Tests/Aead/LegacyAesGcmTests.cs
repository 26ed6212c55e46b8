using System.Text;
using System.Text.Json;
using Ppml.Crypto.Aead;

namespace Ppml.Crypto.Tests.Aead;

public sealed class LegacyAesGcmTests
{
    // By index: some contexts hold NUL characters, which do not belong in test names.
    public static TheoryData<int> LegacySeals() => [.. Enumerable.Range(0, AeadTestData.Legacy("seals").Count())];

    [Theory]
    [MemberData(nameof(LegacySeals))]
    public void Open_ValueSealedByShippedCode_ReturnsPlaintext(int index)
    {
        JsonElement vector = AeadTestData.Legacy("seals").ElementAt(index);
        string context = vector.Text("context");

        byte[] plaintext = LegacyAesGcm.Open(vector.Hex("key"), vector.Hex("sealed"), Encoding.UTF8.GetBytes(context), "test value");

        Assert.Equal(vector.Hex("plaintext"), plaintext);
    }

    [Theory]
    [MemberData(nameof(LegacySeals))]
    public void Open_ValueSealedByShippedCodeTamperedOrTruncated_ThrowsDomainException(int index)
    {
        JsonElement vector = AeadTestData.Legacy("seals").ElementAt(index);
        string context = vector.Text("context");
        byte[] sealedBytes = vector.Hex("sealed");
        byte[] associatedData = Encoding.UTF8.GetBytes(context);

        for (int i = 0; i < sealedBytes.Length; i++)
        {
            byte[] tampered = sealedBytes.ToArray();
            tampered[i] ^= 0x01;
            Assert.IsType<AeadAuthenticationException>(Record.Exception(() => LegacyAesGcm.Open(vector.Hex("key"), tampered, associatedData, "test value")));
            Assert.IsType<AeadAuthenticationException>(Record.Exception(() => LegacyAesGcm.Open(vector.Hex("key"), sealedBytes.AsSpan(0, i), associatedData, "test value")));
        }

        Assert.IsType<AeadAuthenticationException>(Record.Exception(() => LegacyAesGcm.Open(vector.Hex("key"), sealedBytes, [.. associatedData, 0], "test value")));
    }
}
