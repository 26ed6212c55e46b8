namespace Ppml.Workloads.Workspace;

/// <summary>What <see cref="WorkspaceInitializer.CreateAsync"/> created (<c>ppml init --json</c> prints it).</summary>
/// <param name="Root">The workspace directory.</param>
/// <param name="Tee">The recorded TEE mode (<c>simulation</c>, <c>sgx</c> or <c>tdx</c>).</param>
/// <param name="Kms">The default KMS (<c>file:kms</c>).</param>
/// <param name="DefaultKey">The default key created in it.</param>
/// <param name="Backup">Where the replaced workspace was moved, or <see langword="null"/>.</param>
/// <param name="MrEnclave">The measurement of the signed ppml.</param>
/// <param name="MrSigner">The signer of the signed ppml.</param>
public sealed record WorkspaceInitResult(string Root, string Tee, string Kms, string DefaultKey, string? Backup, string MrEnclave, string MrSigner);
