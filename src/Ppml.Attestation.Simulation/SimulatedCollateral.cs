using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ppml.Attestation.Simulation;

/// <summary>Writes and signs TCB Info and QE Identity in Intel PCS's JSON shapes.</summary>
internal sealed class SimulatedCollateral
{
    private const int EvaluationDataNumber = 1;

    private readonly ECDsa _signingKey;
    private readonly SimulatedPlatformOptions _options;
    private readonly DateTimeOffset _issued;
    private readonly DateTimeOffset _next;

    public SimulatedCollateral(ECDsa signingKey, SimulatedPlatformOptions options, DateTimeOffset issued, DateTimeOffset next)
    {
        _signingKey = signingKey;
        _options = options;
        _issued = issued;
        _next = next;
    }

    /// <summary>Signed TCB Info: one level per status, SGX rungs (and TDX rungs on component 3 for TDX).</summary>
    public byte[] TcbInfo(bool tdx)
    {
        byte[] body = Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("id", tdx ? "TDX" : "SGX");
            writer.WriteNumber("version", 3);
            writer.WriteString("issueDate", Date(_issued));
            writer.WriteString("nextUpdate", Date(_next));
            writer.WriteString("fmspc", Convert.ToHexString(_options.WrongFmspc ? SimulatedTcb.OtherFmspc : SimulatedTcb.Fmspc));
            writer.WriteString("pceId", Convert.ToHexString(SimulatedTcb.PceId));
            writer.WriteNumber("tcbType", 0);
            writer.WriteNumber("tcbEvaluationDataNumber", EvaluationDataNumber);
            if (tdx)
            {
                writer.WriteStartObject("tdxModule");
                writer.WriteString("mrsigner", new string('0', 96));
                writer.WriteString("attributes", "0000000000000000");
                writer.WriteString("attributesMask", "FFFFFFFFFFFFFFFF");
                writer.WriteEndObject();
                writer.WriteStartArray("tdxModuleIdentities");
                writer.WriteStartObject();
                writer.WriteString("id", $"TDX_{SimulatedTcb.ModuleVersion:D2}");
                writer.WriteString("mrsigner", new string('0', 96));
                writer.WriteString("attributes", "0000000000000000");
                writer.WriteString("attributesMask", "FFFFFFFFFFFFFFFF");
                writer.WriteStartArray("tcbLevels");
                foreach (TcbStatus status in new[] { TcbStatus.UpToDate, TcbStatus.OutOfDate, TcbStatus.Revoked })
                {
                    WriteIdentityLevel(writer, SimulatedTcb.ModuleSvn(status), status, $"PPML-SIM-SA-01{SimulatedTcb.ModuleSvn(status):D2}");
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteEndArray();
            }

            writer.WriteStartArray("tcbLevels");
            foreach (TcbStatus status in SimulatedTcb.Ladder)
            {
                int rung = SimulatedTcb.Rung(status);
                writer.WriteStartObject();
                writer.WriteStartObject("tcb");
                writer.WriteStartArray("sgxtcbcomponents");
                byte[] sgx = SimulatedTcb.SgxComponents(status);
                foreach (byte svn in sgx)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("svn", svn);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteNumber("pcesvn", SimulatedTcb.PceSvn);
                if (tdx)
                {
                    writer.WriteStartArray("tdxtcbcomponents");
                    for (int i = 0; i < 16; i++)
                    {
                        writer.WriteStartObject();
                        writer.WriteNumber("svn", i switch { 0 => SimulatedTcb.ModuleSvn(TcbStatus.UpToDate), 1 => 0, 2 => rung, _ => 0 });
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
                writer.WriteString("tcbDate", Date(_issued.AddDays(-(SimulatedTcb.TopRung - rung) * 90)));
                writer.WriteString("tcbStatus", status.ToString());
                if (status != TcbStatus.UpToDate)
                {
                    writer.WriteStartArray("advisoryIDs");
                    writer.WriteStringValue(SimulatedTcb.Advisory(rung));
                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });

        return Wrap("tcbInfo", body);
    }

    /// <summary>Signed QE Identity (QE or TD_QE): levels ISVSVN 8 UpToDate, 6 OutOfDate, 4 Revoked.</summary>
    public byte[] QeIdentity(bool tdx)
    {
        byte[] mrSigner = _options.WrongQeIdentity ? SimulatedTcb.WrongMrSigner : tdx ? SimulatedTcb.TdQeMrSigner : SimulatedTcb.QeMrSigner;
        byte[] body = Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("id", tdx ? "TD_QE" : "QE");
            writer.WriteNumber("version", 2);
            writer.WriteString("issueDate", Date(_issued));
            writer.WriteString("nextUpdate", Date(_next));
            writer.WriteNumber("tcbEvaluationDataNumber", EvaluationDataNumber);
            writer.WriteString("miscselect", "00000000");
            writer.WriteString("miscselectMask", "FFFFFFFF");
            writer.WriteString("attributes", "11000000000000000000000000000000");
            writer.WriteString("attributesMask", "FBFFFFFFFFFFFFFF0000000000000000");
            writer.WriteString("mrsigner", Convert.ToHexString(mrSigner));
            writer.WriteNumber("isvprodid", tdx ? SimulatedTcb.TdQeProdId : SimulatedTcb.QeProdId);
            writer.WriteStartArray("tcbLevels");
            foreach (TcbStatus status in new[] { TcbStatus.UpToDate, TcbStatus.OutOfDate, TcbStatus.Revoked })
            {
                int svn = SimulatedTcb.QeIsvSvn(status);
                WriteIdentityLevel(writer, svn, status, $"PPML-SIM-SA-02{svn:D2}");
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });

        return Wrap("enclaveIdentity", body);
    }

    private void WriteIdentityLevel(Utf8JsonWriter writer, int isvSvn, TcbStatus status, string advisory)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("tcb");
        writer.WriteNumber("isvsvn", isvSvn);
        writer.WriteEndObject();
        writer.WriteString("tcbDate", Date(_issued.AddDays(-90 * (8 - isvSvn))));
        writer.WriteString("tcbStatus", status.ToString());
        if (status != TcbStatus.UpToDate)
        {
            writer.WriteStartArray("advisoryIDs");
            writer.WriteStringValue(advisory);
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>The PCS body: the signed bytes verbatim, then the hex signature over exactly those bytes.</summary>
    private byte[] Wrap(string key, byte[] body)
    {
        byte[] signature = _signingKey.SignData(body, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return [
            .. Encoding.UTF8.GetBytes($"{{\"{key}\":"),
            .. body,
            .. Encoding.UTF8.GetBytes($",\"signature\":\"{Convert.ToHexStringLower(signature)}\"}}"),
        ];
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.ToArray();
    }

    private static string Date(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
