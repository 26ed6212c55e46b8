using Ppml.Kms.Server.Storage;

namespace Ppml.Kms.Server.Tests.Storage;

public sealed class AuditChainTests
{
    [Fact]
    public void Next_AnyFieldChanged_ChangesHash()
    {
        byte[] baseline = AuditChain.Next(AuditChain.Genesis, 1, 1000, "app", "datakey.unwrap", "k", "ok");

        Assert.NotEqual(baseline, AuditChain.Next(AuditChain.Genesis, 2, 1000, "app", "datakey.unwrap", "k", "ok"));
        Assert.NotEqual(baseline, AuditChain.Next(AuditChain.Genesis, 1, 1001, "app", "datakey.unwrap", "k", "ok"));
        Assert.NotEqual(baseline, AuditChain.Next(AuditChain.Genesis, 1, 1000, "ap", "pdatakey.unwrap", "k", "ok"));
        Assert.NotEqual(baseline, AuditChain.Next(AuditChain.Genesis, 1, 1000, "app", "datakey.unwrap", "k", "Forbidden"));
        Assert.NotEqual(baseline, AuditChain.Next(baseline, 1, 1000, "app", "datakey.unwrap", "k", "ok"));
        Assert.Equal(baseline, AuditChain.Next(AuditChain.Genesis, 1, 1000, "app", "datakey.unwrap", "k", "ok"));
    }
}
