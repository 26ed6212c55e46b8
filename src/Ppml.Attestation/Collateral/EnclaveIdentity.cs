using System.Text.Json;
using Ppml.Attestation.Internal;

namespace Ppml.Attestation.Collateral;

/// <summary>
/// Intel Enclave Identity (version 2) of a quoting enclave: <c>QE</c> for SGX quotes, <c>TD_QE</c> for TDX quotes
/// (or <c>QVE</c>). The JSON shape is Intel PCS's <c>enclaveIdentity</c> object.
/// </summary>
public sealed class EnclaveIdentity
{
    private static readonly HashSet<string> s_ids = new(StringComparer.Ordinal) { "QE", "QVE", "TD_QE" };

    private static readonly HashSet<string> s_statuses = new(StringComparer.Ordinal)
    {
        "UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded",
        "OutOfDate", "OutOfDateConfigurationNeeded", "Revoked",
    };

    private EnclaveIdentity()
    {
    }

    /// <summary><c>QE</c>, <c>QVE</c> or <c>TD_QE</c>.</summary>
    public string Id { get; private init; } = string.Empty;

    /// <summary>Structure version (always 2 today).</summary>
    public int Version { get; private init; }

    /// <summary>When Intel issued this identity.</summary>
    public DateTimeOffset IssueDate { get; private init; }

    /// <summary>When the next identity is due; after it this one has expired.</summary>
    public DateTimeOffset NextUpdate { get; private init; }

    /// <summary>Monotonic number of the TCB evaluation this data belongs to.</summary>
    public long TcbEvaluationDataNumber { get; private init; }

    /// <summary>Expected MISCSELECT after masking (4 bytes, in report byte order).</summary>
    public ReadOnlyMemory<byte> MiscSelect { get; private init; }

    /// <summary>MISCSELECT mask (4 bytes).</summary>
    public ReadOnlyMemory<byte> MiscSelectMask { get; private init; }

    /// <summary>Expected ATTRIBUTES after masking (16 bytes).</summary>
    public ReadOnlyMemory<byte> Attributes { get; private init; }

    /// <summary>ATTRIBUTES mask (16 bytes).</summary>
    public ReadOnlyMemory<byte> AttributesMask { get; private init; }

    /// <summary>Expected MRSIGNER (32 bytes).</summary>
    public ReadOnlyMemory<byte> MrSigner { get; private init; }

    /// <summary>Expected ISVPRODID.</summary>
    public int IsvProdId { get; private init; }

    /// <summary>TCB levels by minimum ISVSVN, in document order (Intel lists the highest first).</summary>
    public IReadOnlyList<EnclaveTcbLevel> TcbLevels { get; private init; } = [];

    internal static EnclaveIdentity Parse(JsonElement root, string input)
    {
        const string Path = "enclaveIdentity";
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw JsonReading.Error(input, Path, $"must be an object, found {root.ValueKind}");
        }

        int version = (int)JsonReading.UnsignedInteger(root, "version", 1000, input, Path);
        if (version != 2)
        {
            throw JsonReading.Error(input, $"{Path}.version", $"is {version}; the supported Enclave Identity version is 2");
        }

        string id = JsonReading.String(root, "id", input, Path);
        if (!s_ids.Contains(id))
        {
            throw JsonReading.Error(input, $"{Path}.id", $"is '{id}'; expected QE, QVE or TD_QE");
        }

        var levels = new List<EnclaveTcbLevel>();
        int i = 0;
        foreach (JsonElement level in JsonReading.Array(root, "tcbLevels", input, Path).EnumerateArray())
        {
            string levelPath = $"{Path}.tcbLevels[{i++}]";
            if (level.ValueKind != JsonValueKind.Object)
            {
                throw JsonReading.Error(input, levelPath, $"must be an object, found {level.ValueKind}");
            }

            string status = JsonReading.String(level, "tcbStatus", input, levelPath);
            if (!s_statuses.Contains(status))
            {
                throw JsonReading.Error(input, $"{levelPath}.tcbStatus", $"is '{status}', which is not an Intel TCB status");
            }

            levels.Add(new EnclaveTcbLevel
            {
                IsvSvn = (int)JsonReading.UnsignedInteger(JsonReading.Object(level, "tcb", input, levelPath), "isvsvn", ushort.MaxValue, input, $"{levelPath}.tcb"),
                TcbDate = JsonReading.Date(level, "tcbDate", input, levelPath),
                Status = Enum.Parse<TcbStatus>(status),
                AdvisoryIds = JsonReading.OptionalStrings(level, "advisoryIDs", input, levelPath),
            });
        }

        if (levels.Count == 0)
        {
            throw JsonReading.Error(input, $"{Path}.tcbLevels", "is empty");
        }

        return new EnclaveIdentity
        {
            Id = id,
            Version = version,
            IssueDate = JsonReading.Date(root, "issueDate", input, Path),
            NextUpdate = JsonReading.Date(root, "nextUpdate", input, Path),
            TcbEvaluationDataNumber = JsonReading.UnsignedInteger(root, "tcbEvaluationDataNumber", uint.MaxValue, input, Path),
            MiscSelect = JsonReading.HexBytes(root, "miscselect", 4, input, Path),
            MiscSelectMask = JsonReading.HexBytes(root, "miscselectMask", 4, input, Path),
            Attributes = JsonReading.HexBytes(root, "attributes", 16, input, Path),
            AttributesMask = JsonReading.HexBytes(root, "attributesMask", 16, input, Path),
            MrSigner = JsonReading.HexBytes(root, "mrsigner", 32, input, Path),
            IsvProdId = (int)JsonReading.UnsignedInteger(root, "isvprodid", ushort.MaxValue, input, Path),
            TcbLevels = levels,
        };
    }
}

/// <summary>A TCB level of an Enclave Identity.</summary>
public sealed record EnclaveTcbLevel
{
    /// <summary>Minimum ISVSVN of the enclave.</summary>
    public required int IsvSvn { get; init; }

    /// <summary>Date of the TCB recovery that defines this level.</summary>
    public required DateTimeOffset TcbDate { get; init; }

    /// <summary>Status of enclaves at this level (Intel uses UpToDate, OutOfDate and Revoked).</summary>
    public required TcbStatus Status { get; init; }

    /// <summary>Intel security advisories that apply at this level.</summary>
    public required IReadOnlyList<string> AdvisoryIds { get; init; }
}
