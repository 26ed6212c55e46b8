using Ppml.Testing;
using Ppml.Workloads.Inputs;

namespace Ppml.Workloads.Tests.Inputs;

public class ProtectedInputsTests
{
    // PPML container v1 magic (docs/formats/ppml-container-v1.md); the rest of the file does not matter to the sniff.
    private static readonly byte[] s_containerPrefix = [0x89, 0x50, 0x50, 0x4D, 0x4C, 0x0D, 0x0A, 0x1A, 1, 0, 0, 0, 0, 0, 0, 0];

    [Fact]
    public void Resolve_PlainFileNamedPpml_IsRefusedEvenWhenPlaintextIsAllowed()
    {
        using var temp = new TempDirectory();
        string planted = temp.Combine("train-images-idx3-ubyte.ppml");
        File.WriteAllBytes(planted, new byte[64]);

        WorkloadException refused = Assert.Throws<WorkloadException>(() => ProtectedInputs.Resolve(planted, allowPlaintext: true));

        Assert.True(refused.IsInvalidInput);
        Assert.Contains(planted, refused.Message, StringComparison.Ordinal);
        Assert.Contains("not one", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_PlainBesideContainer_ChoosesTheContainer()
    {
        using var temp = new TempDirectory();
        string plain = temp.Combine("data.csv");
        File.WriteAllText(plain, "poisoned\n");
        File.WriteAllBytes(plain + ".ppml", s_containerPrefix);

        (string path, bool container) = ProtectedInputs.Resolve(plain, allowPlaintext: true);

        Assert.Equal(plain + ".ppml", path);
        Assert.True(container);
    }

    [Fact]
    public void Resolve_PlaintextWhereNotAllowed_IsRefusedNamingTheSwitch()
    {
        using var temp = new TempDirectory();
        string plain = temp.Combine("data.csv");
        File.WriteAllText(plain, "a,b\n");

        WorkloadException refused = Assert.Throws<WorkloadException>(() => ProtectedInputs.Resolve(plain, allowPlaintext: false));

        Assert.Contains("--allow-plaintext", refused.Message, StringComparison.Ordinal);
        Assert.Equal((plain, false), ProtectedInputs.Resolve(plain, allowPlaintext: true));
    }

    [Fact]
    public void Resolve_Missing_IsInvalidInput()
    {
        using var temp = new TempDirectory();

        WorkloadException missing = Assert.Throws<WorkloadException>(() => ProtectedInputs.Resolve(temp.Combine("nope"), allowPlaintext: true));

        Assert.True(missing.IsInvalidInput);
    }
}
