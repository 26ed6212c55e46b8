using System.Numerics;
using System.Security.Cryptography;
using Ppml.Crypto.Keys;
using Ppml.Testing;

namespace Ppml.Crypto.Tests.Keys;

public class RsaKeyGeneratorTests
{
    [Fact]
    public void Generate_Exponent3_ProducesConsistentKeyThatSignsAndVerifies()
    {
        using RSA rsa = RsaKeyGenerator.Generate(3072, 3);
        RSAParameters parameters = rsa.ExportParameters(includePrivateParameters: true);

        Assert.Equal(3072, rsa.KeySize);
        Assert.Equal(new byte[] { 3 }, parameters.Exponent);
        var n = new BigInteger(parameters.Modulus, isUnsigned: true, isBigEndian: true);
        var p = new BigInteger(parameters.P, isUnsigned: true, isBigEndian: true);
        var q = new BigInteger(parameters.Q, isUnsigned: true, isBigEndian: true);
        Assert.Equal(n, p * q);
        Assert.Equal(3072, n.GetBitLength());

        byte[] message = "enclave sigstruct"u8.ToArray();
        byte[] signature = rsa.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.True(rsa.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task Generate_PemExport_PassesOpenSslCheck()
    {
        using var temp = new TempDirectory();
        using RSA rsa = RsaKeyGenerator.Generate(3072, 3);
        string path = temp.Combine("enclave-key.pem");
        await File.WriteAllTextAsync(path, rsa.ExportRSAPrivateKeyPem(), TestContext.Current.CancellationToken);

        ProcessRunner.Result check = await ProcessRunner.OpenSslAsync("rsa", "-in", path, "-check", "-noout");
        ProcessRunner.Result text = await ProcessRunner.OpenSslAsync("rsa", "-in", path, "-text", "-noout");

        Assert.True(check.ExitCode == 0, check.Error);
        Assert.Contains("RSA key ok", check.Output + check.Error, StringComparison.Ordinal);
        Assert.Contains("publicExponent: 3 (0x3)", text.Output, StringComparison.Ordinal);
        Assert.Contains("Private-Key: (3072 bit", text.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024, 3)]
    [InlineData(3000, 3)]
    [InlineData(3072, 4)]
    [InlineData(3072, 1)]
    public void Generate_InvalidParameters_Throws(int bits, int exponent) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RsaKeyGenerator.Generate(bits, exponent));
}
