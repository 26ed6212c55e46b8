using System.Text.Json.Serialization;

namespace Ppml.Attestation;

/// <summary>
/// TCB status of a platform as Intel reports it: the Intel PCS strings of TCB Info levels, merged with the QE
/// identity and TDX module statuses the way Intel's Quote Verification Library does.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<TcbStatus>))]
public enum TcbStatus
{
    /// <summary>The platform is patched to the latest TCB; no action needed.</summary>
    UpToDate,

    /// <summary>The TCB is current, but the enclave must apply software mitigations listed in the advisories.</summary>
    SWHardeningNeeded,

    /// <summary>The TCB is current, but the platform's configuration (BIOS settings) needs changes listed in the advisories.</summary>
    ConfigurationNeeded,

    /// <summary>Both a configuration change and software hardening are needed.</summary>
    ConfigurationAndSWHardeningNeeded,

    /// <summary>The platform (microcode, SGX/TDX module, or quoting enclave) is missing security updates.</summary>
    OutOfDate,

    /// <summary>Out of date and, in addition, the configuration needs changes.</summary>
    OutOfDateConfigurationNeeded,

    /// <summary>The TCB level, QE or PCK certificate is revoked: the platform must not be trusted.</summary>
    Revoked,

    /// <summary>TDX 1.5: the TDX module was updated at run time; relaunching the TD makes it up to date.</summary>
    TDRelaunchAdvised,

    /// <summary>TDX 1.5: relaunch advised and the configuration needs changes.</summary>
    TDRelaunchAdvisedConfigurationNeeded,
}
