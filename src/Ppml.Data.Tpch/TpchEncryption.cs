using Ppml.Kms;

namespace Ppml.Data.Tpch;

/// <summary>How TPC-H files are encrypted: PPML containers, each with a fresh data key wrapped by <paramref name="KeyName"/>.</summary>
/// <param name="Kms">The key management service that creates and wraps the data keys.</param>
/// <param name="KeyName">The primary key that wraps each file's data key.</param>
public sealed record TpchEncryption(IKeyManagementService Kms, string KeyName);
