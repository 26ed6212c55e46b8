using Microsoft.Extensions.Logging;

namespace Ppml.Kms.Server;

/// <summary>The KMS server's log events (EventIds 1000-1999). Never keys, tokens, API keys or plaintext.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "KMS server listening on {Addresses} (store {Store})")]
    public static partial void ServerStarted(this ILogger logger, string addresses, string store);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "KMS server stopping")]
    public static partial void ServerStopping(this ILogger logger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "GENERATED a new operator secret at {Path}. It protects the root key of every KMS key: keep it off this disk in production, or split the root key with 'ppml kms root split' and pass --secret-file")]
    public static partial void OperatorSecretGenerated(this ILogger logger, string path);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Created the admin application; its API key is in {Path} (mode 0600) and is shown nowhere else")]
    public static partial void AdminKeyWritten(this ILogger logger, string path);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information,
        Message = "KMS store {Store} opened: {Keys} keys, {Applications} applications, {Policies} policies, {AuditRecords} audit records")]
    public static partial void StoreOpened(this ILogger logger, string store, int keys, int applications, int policies, long auditRecords);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "KMS store commit of {Count} changes failed; none was acknowledged")]
    public static partial void StoreCommitFailed(this ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Error,
        Message = "The audit records of {Count} reads that were already answered could not be committed: the audit log misses them")]
    public static partial void ReadAuditsLost(this ILogger logger, int count);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning,
        Message = "No evidence verifier is configured: POST /v1/attest answers 503 and keys with a release policy cannot be unwrapped")]
    public static partial void VerifierUnavailable(this ILogger logger);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information,
        Message = "Evidence verifier: Intel DCAP (trust anchor: Intel SGX Root CA), {CollateralSets} collateral sets cached")]
    public static partial void DcapVerifierReady(this ILogger logger, int collateralSets);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning,
        Message = "SIMULATED EVIDENCE IS ACCEPTED: quotes of the simulated platform {Platform} verify, with tee 'simulation' in their tokens. Simulation gives NO memory protection; keys are released to it only when their release policy says allowSimulation. Never configure this in production")]
    public static partial void SimulatedEvidenceAccepted(this ILogger logger, string platform);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "{Application} {Action} {Target}: {Result}")]
    public static partial void Operation(this ILogger logger, string application, string action, string target, string result);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Unwrap refused for key {KeyId}: policy {PolicyId} not satisfied ({Reason})")]
    public static partial void UnwrapRefused(this ILogger logger, string keyId, string policyId, string reason);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Attestation refused for {Application} under policy {PolicyId}: {Reason}")]
    public static partial void AttestationRefused(this ILogger logger, string application, string policyId, string reason);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information,
        Message = "Attestation token issued to {Application} under policy {PolicyId}: tee {Tee}, tcb {TcbStatus}, runtime key {RuntimeKeyPrefix}...")]
    public static partial void AttestationIssued(this ILogger logger, string application, string policyId, string tee, string tcbStatus, string runtimeKeyPrefix);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "Authentication failed from {Remote}: {Reason}")]
    public static partial void AuthenticationFailed(this ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Debug, Message = "{Method} {Path} refused with {Status} ({Code})")]
    public static partial void RequestRefused(this ILogger logger, string method, string path, int status, string code);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Error, Message = "{Method} {Path} failed unexpectedly")]
    public static partial void RequestFailed(this ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 1017, Level = LogLevel.Warning,
        Message = "Key {KeyId} released to a SIMULATED TEE for {Application}: its memory is not hardware-protected (the key's release policy allows simulation)")]
    public static partial void SimulationRelease(this ILogger logger, string keyId, string application);
}
