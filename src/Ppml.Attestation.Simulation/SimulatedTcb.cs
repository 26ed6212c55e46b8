using System.Security.Cryptography;
using System.Text;

namespace Ppml.Attestation.Simulation;

/// <summary>
/// The simulated platform's TCB model. TCB Info lists one level per status, from UpToDate down to Revoked, on a
/// ladder of SVNs (component 1 for SGX, component 3 for TDX); a platform is placed on the rung of its status.
/// </summary>
internal static class SimulatedTcb
{
    public const int PceSvn = 13;
    public const int TopRung = 20;
    public const int BelowEveryLevel = 10;
    public const int QeProdId = 1;
    public const int TdQeProdId = 2;
    public const int ModuleVersion = 1;

    /// <summary>TCB Info level order (best first) of the statuses Intel defines.</summary>
    public static readonly TcbStatus[] Ladder =
    [
        TcbStatus.UpToDate,
        TcbStatus.SWHardeningNeeded,
        TcbStatus.ConfigurationAndSWHardeningNeeded,
        TcbStatus.ConfigurationNeeded,
        TcbStatus.OutOfDate,
        TcbStatus.OutOfDateConfigurationNeeded,
        TcbStatus.Revoked,
    ];

    /// <summary>"PPML" + 0x0001: never an Intel FMSPC.</summary>
    public static readonly byte[] Fmspc = [0x50, 0x50, 0x4D, 0x4C, 0x00, 0x01];

    public static readonly byte[] OtherFmspc = [0x50, 0x50, 0x4D, 0x4C, 0x00, 0x02];

    public static readonly byte[] PceId = [0x00, 0x00];

    public static readonly byte[] QeMrSigner = Measure("ppml-simulated-quoting-enclave-signer");

    public static readonly byte[] TdQeMrSigner = Measure("ppml-simulated-td-quoting-enclave-signer");

    public static readonly byte[] WrongMrSigner = Measure("ppml-not-the-simulated-quoting-enclave");

    public static readonly byte[] QeMrEnclave = Measure("ppml-simulated-quoting-enclave");

    public static readonly byte[] MrSeam = [.. Measure("ppml-simulated-tdx-module"), .. Measure("ppml-simulated-tdx-module-2").AsSpan(0, 16)];

    /// <summary>SVN rung of a status (higher is better).</summary>
    public static int Rung(TcbStatus? status)
    {
        if (status is null)
        {
            return BelowEveryLevel;
        }

        int index = Array.IndexOf(Ladder, status.Value);
        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Only the seven Intel TCB Info statuses have a TCB level.");
        }

        return TopRung - index;
    }

    /// <summary>The platform's 16 SGX component SVNs for a status.</summary>
    public static byte[] SgxComponents(TcbStatus? status) => [(byte)Rung(status), 3, 2, 2, 4, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>QE ISVSVN for a QE Identity status (the identity lists 8 UpToDate, 6 OutOfDate, 4 Revoked).</summary>
    public static int QeIsvSvn(TcbStatus? status) => status switch
    {
        TcbStatus.UpToDate => 8,
        TcbStatus.OutOfDate => 6,
        TcbStatus.Revoked => 4,
        null => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A QE Identity level is UpToDate, OutOfDate or Revoked."),
    };

    /// <summary>TDX module ISVSVN for a module status (identity TDX_01 lists 5 UpToDate, 3 OutOfDate, 1 Revoked).</summary>
    public static int ModuleSvn(TcbStatus status) => status switch
    {
        TcbStatus.UpToDate => 5,
        TcbStatus.OutOfDate => 3,
        TcbStatus.Revoked => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A TDX module level is UpToDate, OutOfDate or Revoked."),
    };

    public static string Advisory(int rung) => $"PPML-SIM-SA-{TopRung - rung:D4}";

    private static byte[] Measure(string label) => SHA256.HashData(Encoding.ASCII.GetBytes(label));
}
