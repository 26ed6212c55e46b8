using System.Text;

namespace Ppml.Attestation.Verification;

/// <summary>Intel's spelling of <see cref="QvlStatus"/> values, and how they relate to TCB statuses.</summary>
public static class QvlStatusExtensions
{
    private static readonly string[] s_names = Enum.GetValues<QvlStatus>().Select(Spell).ToArray();

    /// <summary>Intel's name, for example <c>STATUS_INVALID_QUOTE_SIGNATURE</c>.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The <c>STATUS_...</c> name.</returns>
    public static string ToQvlName(this QvlStatus status)
    {
        int index = (int)status;
        return index >= 0 && index < s_names.Length ? s_names[index] : $"STATUS_{(int)status}";
    }

    /// <summary>Parses Intel's name (<c>STATUS_...</c>) back to the enum.</summary>
    /// <param name="name">The name.</param>
    /// <param name="status">The status.</param>
    /// <returns>True when the name is one of Intel's.</returns>
    public static bool TryParseQvlName(string? name, out QvlStatus status)
    {
        int index = Array.IndexOf(s_names, name);
        status = (QvlStatus)Math.Max(index, 0);
        return index >= 0;
    }

    /// <summary>The TCB status a QVL status stands for, or <see langword="null"/> when it is not a TCB status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The TCB status.</returns>
    public static TcbStatus? ToTcbStatus(this QvlStatus status) => status switch
    {
        QvlStatus.Ok => TcbStatus.UpToDate,
        QvlStatus.TcbSwHardeningNeeded => TcbStatus.SWHardeningNeeded,
        QvlStatus.TcbConfigurationNeeded => TcbStatus.ConfigurationNeeded,
        QvlStatus.TcbConfigurationAndSwHardeningNeeded => TcbStatus.ConfigurationAndSWHardeningNeeded,
        QvlStatus.TcbOutOfDate => TcbStatus.OutOfDate,
        QvlStatus.TcbOutOfDateConfigurationNeeded => TcbStatus.OutOfDateConfigurationNeeded,
        QvlStatus.TcbRevoked or QvlStatus.PckRevoked or QvlStatus.SgxPckRevoked or QvlStatus.SgxIntermediateCaRevoked
            or QvlStatus.SgxTcbSigningCertRevoked => TcbStatus.Revoked,
        QvlStatus.TcbTdRelaunchAdvised => TcbStatus.TDRelaunchAdvised,
        QvlStatus.TcbTdRelaunchAdvisedConfigurationNeeded => TcbStatus.TDRelaunchAdvisedConfigurationNeeded,
        _ => null,
    };

    /// <summary>The QVL status of a TCB level status.</summary>
    /// <param name="status">The TCB status.</param>
    /// <returns>The QVL status.</returns>
    public static QvlStatus ToQvlStatus(this TcbStatus status) => status switch
    {
        TcbStatus.UpToDate => QvlStatus.Ok,
        TcbStatus.SWHardeningNeeded => QvlStatus.TcbSwHardeningNeeded,
        TcbStatus.ConfigurationNeeded => QvlStatus.TcbConfigurationNeeded,
        TcbStatus.ConfigurationAndSWHardeningNeeded => QvlStatus.TcbConfigurationAndSwHardeningNeeded,
        TcbStatus.OutOfDate => QvlStatus.TcbOutOfDate,
        TcbStatus.OutOfDateConfigurationNeeded => QvlStatus.TcbOutOfDateConfigurationNeeded,
        TcbStatus.Revoked => QvlStatus.TcbRevoked,
        TcbStatus.TDRelaunchAdvised => QvlStatus.TcbTdRelaunchAdvised,
        TcbStatus.TDRelaunchAdvisedConfigurationNeeded => QvlStatus.TcbTdRelaunchAdvisedConfigurationNeeded,
        _ => QvlStatus.TcbUnrecognizedStatus,
    };

    /// <summary>
    /// True for the outcomes Intel's QvE treats as non-terminal (<c>SGX_QL_SUCCESS</c> with a TCB result): every TCB
    /// status except Revoked.
    /// </summary>
    /// <param name="status">The status.</param>
    /// <returns>True when the quote is authentic and a TCB status was determined.</returns>
    public static bool IsNonTerminalTcbStatus(this QvlStatus status) =>
        status is QvlStatus.Ok or QvlStatus.TcbSwHardeningNeeded or QvlStatus.TcbConfigurationNeeded
            or QvlStatus.TcbConfigurationAndSwHardeningNeeded or QvlStatus.TcbOutOfDate
            or QvlStatus.TcbOutOfDateConfigurationNeeded or QvlStatus.TcbTdRelaunchAdvised
            or QvlStatus.TcbTdRelaunchAdvisedConfigurationNeeded;

    private static string Spell(QvlStatus status)
    {
        string pascal = status.ToString();
        var builder = new StringBuilder("STATUS_", pascal.Length + 16);
        for (int i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(pascal[i]));
        }

        return builder.ToString();
    }
}
