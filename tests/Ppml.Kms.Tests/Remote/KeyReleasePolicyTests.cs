using System.Text.Json;
using Ppml.Kms.Remote;

namespace Ppml.Kms.Tests.Remote;

public class KeyReleasePolicyTests
{
    [Fact]
    public void Deserialize_MissingLists_KeepTheDocumentedDefaults()
    {
        KeyReleasePolicy policy = JsonSerializer.Deserialize("""{"policyId": "p", "allowSimulation": true}""", KmsWireJsonContext.Default.KeyReleasePolicy)!;

        Assert.Equal(["sgx", "tdx"], policy.AllowedTee);
        Assert.Equal(["UpToDate"], policy.AllowedTcbStatus);
        Assert.Empty(policy.MrEnclave);
        Assert.Empty(policy.MrSigner);
        Assert.Empty(policy.MrTd);
    }

    [Fact]
    public void Deserialize_GivenLists_AreKept()
    {
        KeyReleasePolicy policy = JsonSerializer.Deserialize(
            """{"allowedTee": ["tdx"], "mrTd": ["ab"], "allowedTcbStatus": ["UpToDate", "SWHardeningNeeded"]}""", KmsWireJsonContext.Default.KeyReleasePolicy)!;

        Assert.Equal(["tdx"], policy.AllowedTee);
        Assert.Equal(["ab"], policy.MrTd);
        Assert.Equal(2, policy.AllowedTcbStatus.Count);
    }
}
