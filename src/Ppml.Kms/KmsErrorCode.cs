namespace Ppml.Kms;

/// <summary>Stable reasons for <see cref="KmsException"/>.</summary>
public enum KmsErrorCode
{
    /// <summary>The key (or key version) does not exist.</summary>
    KeyNotFound,

    /// <summary>A key with that name already exists.</summary>
    KeyExists,

    /// <summary>The key name is not valid.</summary>
    InvalidKeyName,

    /// <summary>The wrapped data key is corrupted or was wrapped by another key.</summary>
    UnwrapFailed,

    /// <summary>The store's password is wrong (or the store is corrupted).</summary>
    WrongPassword,

    /// <summary>The store does not exist or is not a KMS store.</summary>
    StoreUnavailable,

    /// <summary>The store was changed by someone else while this update ran; retry.</summary>
    Conflict,

    /// <summary>The request was refused by policy or authentication.</summary>
    Forbidden,

    /// <summary>The request is malformed: invalid JSON, a missing or invalid field, an oversized body.</summary>
    InvalidRequest,

    /// <summary>No valid credential (API key) was presented.</summary>
    Unauthenticated,

    /// <summary>The key is disabled: it no longer generates or unwraps data keys.</summary>
    KeyDisabled,

    /// <summary>The named resource (policy, application) does not exist.</summary>
    NotFound,

    /// <summary>The service is unreachable or cannot serve the request now (e.g. no evidence verifier is configured).</summary>
    ServiceUnavailable,
}
